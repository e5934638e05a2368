package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Random numbers, seeds, generator state, devices and the CPU block cache. */
@Isolated
class RuntimeTest extends ScopedTest {
    @Test
    void normalAndUniformHaveTheirMoments() {
        try (Generator g = new Generator(42)) {
            float[] n = Tensor.normal(2, 3, g, 200_000).toFloatArray();
            double mean = 0;
            double var = 0;
            for (float v : n) {
                mean += v / n.length;
            }
            for (float v : n) {
                var += (v - mean) * (v - mean) / n.length;
            }
            assertEquals(2, mean, 0.03);
            assertEquals(3, Math.sqrt(var), 0.03);
            float[] u = Tensor.uniform(-1, 5, g, 200_000).toFloatArray();
            double umean = 0;
            for (float v : u) {
                assertTrue(v >= -1 && v < 5);
                umean += v / u.length;
            }
            assertEquals(2, umean, 0.03);
        }
        assertEquals(DType.FLOAT64, Tensor.normal(0, 1, null, DType.FLOAT64, Device.CPU, 3).dtype());
        Assertions2.assertTorchError(() -> Tensor.normal(0, -1, null, 3), "std");
        Assertions2.assertTorchError(() -> Tensor.uniform(2, 1, null, 3), "uniform_ expects to return a [from, to) range");
        Assertions2.assertTorchError(() -> Tensor.of(new long[] {1, 2}, 2).standardGamma(null), "not implemented for 'Long'");
    }

    @Test
    void largeGammaDrawsAreBlockedReproducibleWhateverTheThreadCountAndHaveTheirMoments() {
        // 5 blocks of 2^14 (the last one partial): the blocked, parallel path of draws without gradient
        int n = 4 * 16384 + 1000;
        int original = Torch.numThreads();
        double[] one;
        double[] many;
        try (GradMode.Guard g = GradMode.NO_GRAD.enter(); Tensor alpha = Tensor.full(0.5, DType.FLOAT64, Device.CPU, n)) {
            Torch.setNumThreads(1);
            try (Generator gen = new Generator(3)) {
                one = alpha.standardGamma(gen).toDoubleArray();
            }
            Torch.setNumThreads(Math.max(3, original));
            try (Generator gen = new Generator(3)) {
                many = alpha.standardGamma(gen).toDoubleArray();
            }
        } finally {
            Torch.setNumThreads(original);
        }
        assertArrayEquals(one, many, "same seed, same numbers, on 1 thread or several");
        assertFalse(Arrays.equals(Arrays.copyOfRange(one, 0, 1000), Arrays.copyOfRange(one, 16384, 17384)),
                "each block has a stream of its own");
        // Gamma(0.5, 1): mean 0.5, variance 0.5, in every block including the partial last one
        for (int start = 0; start < n; start += 16384) {
            double[] block = Arrays.copyOfRange(one, start, Math.min(n, start + 16384));
            double mean = Arrays.stream(block).average().orElseThrow();
            double var = Arrays.stream(block).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
            double tolerance = block.length < 2000 ? 0.1 : 0.025;
            assertEquals(0.5, mean, tolerance, "block at " + start);
            assertEquals(0.5, var, 4 * tolerance, "block at " + start);
            assertTrue(Arrays.stream(block).allMatch(v -> v >= 0));
        }
    }

    @Test
    void seedsAndGeneratorStateReproduceDraws() {
        float[] a;
        float[] b;
        try (Generator g1 = new Generator(5); Generator g2 = new Generator(5); Generator g3 = new Generator(6)) {
            a = Tensor.normal(0, 1, g1, 10).toFloatArray();
            b = Tensor.normal(0, 1, g2, 10).toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, Tensor.normal(0, 1, g3, 10).toFloatArray()));
            Tensor state = g1.state();
            assertEquals(DType.UINT8, state.dtype());
            float[] next = Tensor.uniform(0, 1, g1, 10).toFloatArray();
            g1.setState(state);
            assertArrayEquals(next, Tensor.uniform(0, 1, g1, 10).toFloatArray(), "restored state repeats the draws");
            Assertions2.assertTorchError(() -> g1.setState(Tensor.ones(3)), "");
        }
        Torch.manualSeed(99);
        float[] c = Tensor.normal(0, 1, null, 5).toFloatArray();
        Torch.manualSeed(99);
        assertArrayEquals(c, Tensor.normal(0, 1, null, 5).toFloatArray(), "manual seed reseeds the default generator");
        Generator closed = new Generator(1);
        closed.close();
        assertThrows(IllegalStateException.class, () -> Tensor.normal(0, 1, closed, 2));
    }

    @Test
    void cudaInformationIsConsistent() {
        assertEquals(Torch.cudaAvailable(), Torch.cudaDeviceCount() > 0);
        Torch.emptyCudaCache();  // harmless without CUDA
    }

    @Test
    void cpuCacheReusesLargeBlocks() {
        Torch.CpuCacheStats start = Torch.cpuCacheStats();
        assertTrue(start.enabled(), "on by default");
        Tensor.zeros(1 << 20).close();  // 4 MiB
        Torch.CpuCacheStats afterFree = Torch.cpuCacheStats();
        assertTrue(afterFree.idleBytes() >= 4 << 20, "the freed block is kept: " + afterFree);
        Tensor.zeros(1 << 20).close();
        Torch.CpuCacheStats again = Torch.cpuCacheStats();
        assertEquals(afterFree.hits() + 1, again.hits(), "the same size is served from the cache");
        assertEquals(afterFree.misses(), again.misses());

        Torch.releaseCpuCache();
        assertEquals(0, Torch.cpuCacheStats().idleBytes());

        Torch.setCpuCacheLimit(1 << 20);
        try {
            Tensor.zeros(1 << 20).close();
            assertEquals(0, Torch.cpuCacheStats().idleBytes(), "a block over the limit is freed");
        } finally {
            Torch.setCpuCacheLimit(1L << 30);
        }

        Torch.setCpuCacheEnabled(false);
        try {
            Tensor big = Tensor.ones(1 << 20);
            assertEquals(1 << 20, big.sum().item());
            big.close();
            assertFalse(Torch.cpuCacheStats().enabled());
            assertEquals(0, Torch.cpuCacheStats().idleBytes(), "nothing is kept while disabled");
        } finally {
            Torch.setCpuCacheEnabled(true);
        }
        // blocks allocated while the cache was on may be freed after it is off, and the other way round
        Tensor early = Tensor.ones(1 << 19);
        Torch.setCpuCacheEnabled(false);
        Tensor late = Tensor.ones(1 << 19);
        Torch.setCpuCacheEnabled(true);
        assertEquals(1 << 20, early.add(late).sum().item());
        early.close();
        late.close();
    }
}
