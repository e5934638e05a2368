package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.dicface.torch.Generator;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

class ColorJitterTest {
    /** The gain of each channel, read off the output: out / in, checked to be one number for all its frames and pixels. */
    private static double[] measuredGains(float[] in, float[] out, int frames, int pixels) {
        double[] gains = new double[3];
        for (int c = 0; c < 3; c++) {
            gains[c] = out[c * pixels] / (double) in[c * pixels];
            for (int t = 0; t < frames; t++) {
                for (int p = 0; p < pixels; p++) {
                    int i = (t * 3 + c) * pixels + p;
                    assertEquals(in[i] * gains[c], out[i], 1e-5, "frame " + t + " channel " + c + ": one gain for the window");
                }
            }
        }
        return gains;
    }

    @Test
    void scalesEachChannelByOneGainForTheWholeWindowSeeded() {
        try (Scope scope = Scope.open(); Generator pixels = new Generator(1)) {
            Tensor window = Tensor.uniform(0.2, 0.6, pixels, 5, 3, 8, 8);  // gains up to 1.5 keep it below 1: no clamping
            float[] in = window.toFloatArray();
            double low = 2;
            double high = 0;
            for (int seed = 0; seed < 100; seed++) {
                double[] g = measuredGains(in, new ColorJitter(0.5).apply(window, new Random(seed)).toFloatArray(), 5, 64);
                assertTrue(g[0] != g[1] && g[1] != g[2], "seed " + seed + ": each channel its own gain " + Arrays.toString(g));
                for (double gain : g) {
                    assertTrue(gain >= 0.5 - 1e-6 && gain <= 1.5 + 1e-6, "seed " + seed + ": gain " + gain + " outside 1 +- 0.5");
                    low = Math.min(low, gain);
                    high = Math.max(high, gain);
                }
            }
            assertTrue(low < 0.6 && high > 1.4, "300 gains span [0.5, 1.5]: from " + low + " to " + high);
            float[] got = new ColorJitter(0.5).apply(window, new Random(7)).toFloatArray();
            assertArrayEquals(got, new ColorJitter(0.5).apply(window, new Random(7)).toFloatArray(), "same seed, same gains");
            assertNotEquals(got[0], new ColorJitter(0.5).apply(window, new Random(8)).toFloatArray()[0], "another seed, other gains");
            double[] small = measuredGains(in, new ColorJitter(0.1).apply(window, new Random(7)).toFloatArray(), 5, 64);
            for (double gain : small) {
                assertTrue(gain >= 0.9 - 1e-6 && gain <= 1.1 + 1e-6, "amount 0.1: gain " + gain);
            }
            Tensor bright = new ColorJitter(0.9).apply(Tensor.ones(1, 3, 2, 2), new Random(1));
            assertEquals(1.0, bright.max().item(), 0, "clamped to [0, 1]");
        }
    }

    @Test
    void noneLeavesTheWindowAndTheRandomStreamAlone() {
        try (Scope scope = Scope.open()) {
            Tensor window = Tensor.ones(5, 3, 4, 4);
            Random random = new Random(3);
            assertSame(window, ColorJitter.NONE.apply(window, random));
            assertEquals(new Random(3).nextLong(), random.nextLong(), "no draw: runs without jitter are the official ones");
            var e = assertThrows(IllegalArgumentException.class, () -> new ColorJitter(1.2));
            assertTrue(e.getMessage().contains("colour jitter must be in [0, 1)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new ColorJitter(Double.NaN));
        }
    }
}
