package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** Training windows come in one range, [0, 1], straight from the pixels (8-bit value / 255). */
class ClipDataTest extends ScopedTest {
    @Test
    void windowsArePixelsOver255() {
        ImagePlus clip = ClipRestorationTest.rgbClip(32, 32, 5);
        ((ColorProcessor) clip.getStack().getProcessor(1)).set(0, 0, 0xffffffff);  // white, and black, somewhere
        ((ColorProcessor) clip.getStack().getProcessor(1)).set(1, 0, 0xff000000);
        ClipData data = new ClipData(List.of(clip), 32, 5);
        Random random = new Random(3);
        Tensor window = data.window(random);
        assertEquals(List.of(5L, 3L, 32L, 32L), java.util.Arrays.stream(window.shape()).boxed().toList());
        float[] values = window.toFloatArray();
        // the same draws pick the window: start and direction
        Random again = new Random(3);
        again.nextInt(1);  // the clip
        boolean reverse = again.nextDouble() < 0.5;
        double min = 1;
        double max = 0;
        for (int k = 0; k < 5; k++) {
            ColorProcessor cp = (ColorProcessor) clip.getStack().getProcessor(1 + (reverse ? 4 - k : k));
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int v = cp.get(x, y) >> (16 - 8 * c) & 0xff;
                        float got = values[((k * 3 + c) * 32 + y) * 32 + x];
                        assertEquals(v / 255.0, got, 1e-7, "frame " + k + " channel " + c + " at " + x + "," + y);
                        min = Math.min(min, got);
                        max = Math.max(max, got);
                    }
                }
            }
        }
        assertEquals(0.0, min);
        assertEquals(1.0, max);
    }
}
