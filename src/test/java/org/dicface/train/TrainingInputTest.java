package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.dicface.torch.Generator;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** Training windows: the official input untouched, the mirror exact and drawn half of the time. */
class TrainingInputTest extends ScopedTest {

    @Test
    void theOfficialInputLeavesTheWindowAndTheDrawsAlone() {
        Tensor window = Tensor.uniform(0, 1, new Generator(1), 5, 3, 6, 7);
        Random random = new Random(3);
        assertSame(window, TrainingInput.OFFICIAL.augment(window, random));
        assertEquals(new Random(3).nextLong(), random.nextLong(), "nothing drawn");
        assertEquals(512, TrainingInput.OFFICIAL.degradationSize());
        assertThrows(IllegalArgumentException.class, () -> new TrainingInput(ColorJitter.NONE, false, -5));
    }

    @Test
    void aFlippedWindowIsTheMirrorOfEveryFrame() {
        int t = 5;
        int h = 6;
        int w = 7;
        Tensor window = Tensor.uniform(0, 1, new Generator(2), t, 3, h, w);
        float[] in = window.toFloatArray();
        TrainingInput flip = new TrainingInput(ColorJitter.NONE, true, 512);
        Random random = new Random(8);
        int mirrored = 0;
        for (int n = 0; n < 200; n++) {
            float[] out = flip.augment(window, random).toFloatArray();
            boolean same = true;
            boolean mirror = true;
            for (int p = 0; p < t * 3; p++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        float v = out[(p * h + y) * w + x];
                        same &= v == in[(p * h + y) * w + x];
                        mirror &= v == in[(p * h + y) * w + (w - 1 - x)];
                    }
                }
            }
            assertEquals(true, same != mirror, "either the window or its exact mirror");
            mirrored += mirror ? 1 : 0;
        }
        assertEquals(100, mirrored, 20, "p 0.5");
    }
}
