package org.eqprop.runner.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.eqprop.runner.run.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders XChart charts to PNG files, headless, replacing the file atomically. */
public final class Charts {
  private Charts() {}

  /** Writes {@code chart} as a PNG to {@code file}. */
  public static void writePng(Chart<?, ?> chart, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    // no ImageIO cache file: it is registered for deletion on exit, which fails once Ctrl-C has begun the JVM's shutdown
    ImageIO.setUseCache(false);
    AtomicFiles.write(file, ByteBuffer.wrap(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }
}
