package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.dicface.torch.Generator;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

class ColorJitterTest {
    @Test
    void scalesEachChannelByOneGainForTheWholeWindowSeeded() {
        try (Scope scope = Scope.open()) {
            Tensor window = Tensor.uniform(0.2, 0.6, new Generator(1), 5, 3, 8, 8);  // gains up to 1.5 keep it below 1
            Tensor out = new ColorJitter(0.5).apply(window, new Random(7));
            Random expected = new Random(7);
            float[] in = window.toFloatArray();
            float[] got = out.toFloatArray();
            for (int c = 0; c < 3; c++) {
                double gain = 1 + 0.5 * (2 * expected.nextDouble() - 1);
                assertTrue(gain >= 0.5 && gain <= 1.5);
                for (int t = 0; t < 5; t++) {
                    for (int p = 0; p < 64; p++) {
                        int i = (t * 3 + c) * 64 + p;
                        assertEquals(in[i] * gain, got[i], 1e-6, "frame " + t + " channel " + c);
                    }
                }
            }
            assertArrayEquals(got, new ColorJitter(0.5).apply(window, new Random(7)).toFloatArray(), "same seed, same gains");
            assertNotEquals(got[0], new ColorJitter(0.5).apply(window, new Random(8)).toFloatArray()[0]);
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
