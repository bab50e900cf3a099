package org.eqprop.runner.report;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.eqprop.runner.run.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders XChart charts to PNG files, headless, replacing the file atomically. */
public final class Charts {
  private Charts() {}

  /** Writes {@code chart} as a PNG to {@code file}. */
  public static void writePng(Chart<?, ?> chart, Path file) throws IOException {
    headless();
    AtomicFiles.write(file, ByteBuffer.wrap(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
  }

  /** Writes {@code charts} one above the other (panels of one width) as a PNG to {@code file}. */
  public static void writePng(List<? extends Chart<?, ?>> charts, Path file) throws IOException {
    headless();
    int width = 0;
    int height = 0;
    List<BufferedImage> panels = new ArrayList<>();
    for (Chart<?, ?> c : charts) {
      BufferedImage panel = BitmapEncoder.getBufferedImage(c);
      panels.add(panel);
      width = Math.max(width, panel.getWidth());
      height += panel.getHeight();
    }
    BufferedImage all = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    int y = 0;
    for (BufferedImage panel : panels) {
      g.drawImage(panel, 0, y, null);
      y += panel.getHeight();
    }
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(all, "png", png);
    AtomicFiles.write(file, ByteBuffer.wrap(png.toByteArray()));
  }

  private static void headless() {
    System.setProperty("java.awt.headless", "true");
    // no ImageIO cache file: it is registered for deletion on exit, which fails once Ctrl-C has begun the JVM's shutdown
    ImageIO.setUseCache(false);
  }
}
