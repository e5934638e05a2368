package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;
import org.junit.jupiter.api.Test;

/**
 * mc:K holds a few draws at a time, whatever K: with the caching CPU allocator, the blocks of one draw are
 * reused by the next, so ten times the draws take no more fresh allocations (cache misses). Holding every draw
 * until the end, as a sum kept in one scope would, takes two fresh blocks per draw.
 */
class MonteCarloMemoryTest extends ScopedTest {
    @Test
    void memoryDoesNotGrowWithTheNumberOfDraws() {
        boolean wasEnabled = Torch.cpuCacheStats().enabled();
        Torch.setCpuCacheEnabled(true);
        try (GradMode.Guard g = GradMode.INFERENCE.enter(); Tensor alpha = Tensor.full(0.5, org.dicface.torch.DType.FLOAT32,
                org.dicface.torch.Device.CPU, 64, 1024)) {
            misses(alpha, 20);  // warm the cache
            long few = misses(alpha, 20);
            long many = misses(alpha, 400);
            assertTrue(many <= few + 16, "fresh blocks: " + few + " for 20 draws, " + many + " for 400");
        } finally {
            Torch.setCpuCacheEnabled(wasEnabled);
        }
    }

    private static long misses(Tensor alpha, int draws) {
        long before = Torch.cpuCacheStats().misses();
        try (Generator random = new Generator(1); Tensor w = new Sampling.MonteCarlo(draws).weights(alpha, random)) {
            assertTrue(w.shape()[1] == 1024);
        }
        return Torch.cpuCacheStats().misses() - before;
    }
}
