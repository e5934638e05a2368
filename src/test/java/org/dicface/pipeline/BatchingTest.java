package org.dicface.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dicface.model.DicFaceConfig;
import org.dicface.torch.TorchException;
import org.junit.jupiter.api.Test;

/** The batch as typed, the automatic choice's arithmetic, and which failures count as out of memory. */
class BatchingTest {
    @Test
    void parsesAutoAndWholeNumbers() {
        assertEquals(Settings.AUTO_BATCH, Batching.parse("auto"));
        assertEquals(Settings.AUTO_BATCH, Batching.parse(" AUTO "));
        assertEquals(Settings.AUTO_BATCH, Batching.parse(""));
        assertEquals(8, Batching.parse("8"));
        assertEquals(64, Batching.parse("64"));
        for (String bad : new String[] {"65", "-1", "1.5", "eight", "99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Batching.parse(bad));
            assertEquals("the batch is auto or a number of frames per step from 1 to 64, not '" + bad + "'", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Settings.official().withBatch(65));
    }

    /** Half of a 16 GB budget for frames of 1 GB: capped at the GPU's 16, at least 1 however little is free. */
    @Test
    void fitsFramesToTheBudget() {
        long gb = 1L << 30;
        assertEquals(16, Batching.fit(40 * gb, gb, 16));
        assertEquals(3, Batching.fit(3 * gb + gb / 2, gb, 16));
        assertEquals(1, Batching.fit(0, gb, 16));
        assertEquals(1, Batching.fit(-5, gb, 16));
    }

    /** The official model's frame by hand: 9 activations at each level, sum of r^2 * channels over 512..16, 4 bytes each. */
    @Test
    void estimatesAFramesMemoryFromTheConfiguration() {
        long values = 512L * 512 * 64 + 256L * 256 * 128 + 128L * 128 * 128 + 64L * 64 * 256 + 32L * 32 * 256 + 16L * 16 * 512;
        assertEquals(9 * values * 4, Batching.bytesPerFrame(DicFaceConfig.official(), 4));
        assertEquals(9 * values * 2, Batching.bytesPerFrame(DicFaceConfig.official(), 2), "half precision, half the memory");
    }

    @Test
    void recognisesOutOfMemoryMessages() {
        assertTrue(Batching.isOutOfMemory(new TorchException("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.2 GiB total)")));
        assertTrue(Batching.isOutOfMemory(new TorchException("DefaultCPUAllocator: can't allocate memory: you tried to allocate 9 bytes")));
        assertFalse(Batching.isOutOfMemory(new TorchException("Expected all tensors to be on the same device")));
    }
}
