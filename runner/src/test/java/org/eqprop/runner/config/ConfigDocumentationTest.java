package org.eqprop.runner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists exactly the keys the config records define, in their order. */
class ConfigDocumentationTest {
  @Test
  void everyKeyIsDocumentedAndNoOtherKey() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|").matcher(doc);
    List<String> documented = new ArrayList<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertEquals(ConfigSchema.of(RunConfig.class).keys(), documented);
  }
}
