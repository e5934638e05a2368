package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * c10d through the C API: two ranks (two threads here, each its own group member) average tensors exactly as plain
 * Java does, across buckets and with a tensor larger than a bucket, and take rank 0's values by broadcast; a rank
 * that dies (a child JVM that joins and exits) makes the other's next call fail with a message, not hang.
 */
class ProcessGroupTest {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Rank r's tensors: sizes chosen so that the 25 MB buckets hold several, and one tensor is 8M floats (32 MB). */
    private static List<float[]> values(int rank) {
        int[] sizes = {3, 1000, 8 << 20, 17};
        List<float[]> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(rank * 31L + 5);
        for (int n : sizes) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextFloat() * 2 - 1;
            }
            out.add(v);
        }
        return out;
    }

    @Test
    void twoRanksAverageAndBroadcastAsPlainJavaDoes() throws Exception {
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<float[][]>>> ranks = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++) {
                int r = rank;
                ranks.add(pool.submit(() -> {
                    try (ProcessGroup g = ProcessGroup.join("127.0.0.1", port, r, 2, Duration.ofSeconds(60), Device.CPU);
                         Scope scope = Scope.open()) {
                        List<Tensor> mine = new ArrayList<>();
                        for (float[] v : values(r)) {
                            mine.add(Tensor.of(v, new long[] {v.length}));
                        }
                        g.allReduceMean(mine);
                        List<Tensor> own = new ArrayList<>();
                        for (float[] v : values(r)) {
                            own.add(Tensor.of(v, new long[] {v.length}));
                        }
                        g.broadcast(own, 0);
                        g.barrier();
                        List<float[][]> result = new ArrayList<>();
                        for (int k = 0; k < mine.size(); k++) {
                            result.add(new float[][] {mine.get(k).toFloatArray(), own.get(k).toFloatArray()});
                        }
                        return result;
                    }
                }));
            }
            List<float[]> a = values(0);
            List<float[]> b = values(1);
            for (Future<List<float[][]>> f : ranks) {
                List<float[][]> got = f.get(120, TimeUnit.SECONDS);
                for (int k = 0; k < a.size(); k++) {
                    float[] mean = new float[a.get(k).length];
                    for (int i = 0; i < mean.length; i++) {
                        mean[i] = (a.get(k)[i] + b.get(k)[i]) / 2;  // two terms: the sum then /2 is exact in any order
                    }
                    assertArrayEquals(mean, got.get(k)[0], "mean of tensor " + k);
                    assertArrayEquals(a.get(k), got.get(k)[1], "rank 0's tensor " + k);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The child joins as rank 1 and exits at once. */
    public static final class DyingRank {
        public static void main(String[] args) {
            ProcessGroup.join("127.0.0.1", Integer.parseInt(args[0]), 1, 2, Duration.ofSeconds(60), Device.CPU);
            Runtime.getRuntime().halt(0);  // as if killed: nothing closed
        }
    }

    @Test
    void aRankThatDiesStopsTheOtherWithAMessage() throws Exception {
        int port = freePort();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Ddicface.native.path=" + System.getProperty("dicface.native.path"), "-cp", System.getProperty("java.class.path"),
                DyingRank.class.getName(), Integer.toString(port)).inheritIO().start();
        try (ProcessGroup g = ProcessGroup.join("127.0.0.1", port, 0, 2, Duration.ofSeconds(20), Device.CPU); Scope scope = Scope.open()) {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            long start = System.nanoTime();
            TorchException e = assertThrows(TorchException.class, () -> g.allReduceMean(List.of(Tensor.zeros(1000))));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 30, "failed after " + seconds + " s");
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aGroupOfOneSharesOnItsDeviceOnlyAndBarriers() throws Exception {
        assertTrue(ProcessGroup.supports(Device.CPU), "this build has Gloo (libgloo-dev)");
        try (ProcessGroup g = ProcessGroup.join("127.0.0.1", freePort(), 0, 1, Duration.ofSeconds(20), Device.CPU);
                Scope scope = Scope.open()) {
            Tensor t = Tensor.of(new float[] {1, 2, 3}, new long[] {3});
            g.allReduceMean(List.of(t));
            assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray());
            g.barrier();
            TorchException e = assertThrows(TorchException.class, () -> g.allReduceMean(List.of(t.expand(2, 3))));
            assertTrue(e.getMessage().contains("not contiguous"), e.getMessage());
        }
    }

    @Test
    void cudaWithoutNcclIsRefusedBeforeTheRendezvous() {
        if (ProcessGroup.supports(Device.cuda(0))) {
            return;  // a CUDA build with NCCL: scripts/gpu-check checks that one
        }
        long start = System.nanoTime();
        // rank 1 of 2 with nobody serving the rendezvous: without the early check it would wait for the timeout
        TorchException e = assertThrows(TorchException.class,
                () -> ProcessGroup.join("127.0.0.1", freePort(), 1, 2, Duration.ofSeconds(60), Device.cuda(0)));
        assertTrue(e.getMessage().contains("NCCL") && e.getMessage().contains("--device cpu"), e.getMessage());
        assertTrue((System.nanoTime() - start) / 1e9 < 10);
    }
}
