package org.eqprop.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Max pooling over 2×2 windows takes its own branch-free path: it must pick the same value and
 * selection as the general rule (the first value, replaced only by a strictly larger one), ties,
 * signed zeros, infinities and NaNs included.
 */
class HostPoolingTest {
  private static final float[] SPECIAL = {0f, -0f, 0.5f, 0.5f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY};

  @Test
  void twoByTwoMaxPoolingFollowsTheGeneralRule() {
    // 3 channels of 5 x 7: the last row and column fall outside every window
    PoolGeometry g = new PoolGeometry(3, 5, 7, 2, true);
    int batch = 400;
    Random random = new Random(7);
    float[] in = new float[batch * g.inUnits()];
    for (int i = 0; i < in.length; i++) {
      in[i] = random.nextInt(3) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextInt(5) / 4f;
    }
    float[] out = new float[batch * g.outUnits()];
    float[] selection = new float[out.length];
    HostPooling.pool(in, g, batch, out, selection);
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < g.channels(); c++) {
        for (int oy = 0; oy < g.outHeight(); oy++) {
          for (int ox = 0; ox < g.outWidth(); ox++) {
            int o = n * g.outUnits() + (c * g.outHeight() + oy) * g.outWidth() + ox;
            int best = -1;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++) {
                int at = (c * g.height() + oy * 2 + dy) * g.width() + ox * 2 + dx;
                if (best < 0 || in[n * g.inUnits() + at] > in[n * g.inUnits() + best]) {
                  best = at;
                }
              }
            }
            String where = "sample " + n + ", output " + o;
            assertEquals(best, selection[o], where + ": the selection");
            assertEquals(Float.floatToRawIntBits(in[n * g.inUnits() + best]), Float.floatToRawIntBits(out[o]),
                where + ": the value's bits");
          }
        }
      }
    }
  }
}
