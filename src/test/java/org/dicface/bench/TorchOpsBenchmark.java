package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;

/**
 * The op benchmark of scripts/bench-torch.sh, Java side: median milliseconds of the four reference ops
 * (same shapes as scripts/bench_torch_ops.py), or the leak check. Prints one "op name ms" line per op.
 * Usage: TorchOpsBenchmark ops [iterations] | leak [cycles]
 */
public final class TorchOpsBenchmark {
    private TorchOpsBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "ops";
        Torch.init();
        System.out.println("# threads " + Torch.numThreads() + ", cpu cache " + Torch.cpuCacheStats().enabled());
        if (mode.equals("leak")) {
            leak(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
        } else {
            ops(args.length > 1 ? Integer.parseInt(args[1]) : 30);
        }
    }

    private static void ops(int iterations) {
        try (GradMode.Guard g = GradMode.INFERENCE.enter(); Scope scope = Scope.open()) {
            Tensor x = Tensor.normal(0, 1, null, 5, 64, 128, 128);
            Tensor w = Tensor.normal(0, 0.05, null, 64, 64, 3, 3);
            Tensor b = Tensor.zeros(64);
            Tensor a = Tensor.normal(0, 1, null, 1024, 1024);
            Tensor c = Tensor.normal(0, 1, null, 1024, 1024);
            Tensor gx = Tensor.normal(0, 1, null, 5, 512, 16, 16);
            Tensor gw = Tensor.ones(512);
            Tensor gb = Tensor.zeros(512);
            Tensor q = Tensor.normal(0, 1, null, 40, 256, 64);
            Tensor k = Tensor.normal(0, 1, null, 40, 64, 256);
            time("conv2d", iterations, () -> x.conv2d(w, b, 1, 1));
            time("matmul", iterations, () -> a.matmul(c));
            time("group_norm", iterations, () -> gx.groupNorm(32, gw, gb, 1e-6));
            time("bmm", iterations, () -> q.bmm(k));
        }
    }

    /**
     * At least 5 warm-up runs and 0.5 s of them (JIT, oneDNN primitives); then 3 rounds, each the median of
     * at least {@code iterations} runs and 1 s of them; prints the best round, so that a burst of load from
     * elsewhere on a shared machine does not decide the figure. scripts/bench_torch_ops.py does the same.
     */
    private static void time(String name, int iterations, Supplier<Tensor> op) {
        long warmEnd = System.nanoTime() + 500_000_000L;
        for (int i = 0; i < 5 || System.nanoTime() < warmEnd; i++) {
            op.get().close();
        }
        double best = Double.MAX_VALUE;
        double[] ms = new double[1 << 20];
        for (int round = 0; round < 3; round++) {
            int n = 0;
            long end = System.nanoTime() + 1_000_000_000L;
            while ((n < iterations || System.nanoTime() < end) && n < ms.length) {
                long t0 = System.nanoTime();
                Tensor out = op.get();
                ms[n++] = (System.nanoTime() - t0) / 1e6;
                out.close();
            }
            Arrays.sort(ms, 0, n);
            best = Math.min(best, ms[n / 2]);
        }
        System.out.printf("op %s %.4f%n", name, best);
    }

    private static void leak(int cycles) throws IOException {
        float[] data = new float[256];
        Arrays.fill(data, 1.5f);
        cycle(data, 2000);  // warm-up: JIT, allocator, libtorch's own first-use allocations
        System.gc();
        long before = rssKb();
        long live = Torch.liveTensors();
        cycle(data, cycles);
        System.gc();
        long after = rssKb();
        System.out.printf("leak cycles %d rss_before_kb %d rss_after_kb %d growth_pct %.2f live_handles_delta %d%n",
                cycles, before, after, 100.0 * (after - before) / before, Torch.liveTensors() - live);
    }

    /** One cycle: create a tensor from a Java array, run ops, read back, free everything. */
    private static void cycle(float[] data, int n) {
        for (int i = 0; i < n; i++) {
            try (Scope s = Scope.open()) {
                Tensor t = Tensor.of(data, 16, 16);
                Tensor r = t.mul(2).add(1).softmax(1);
                if (r.toFloatArray().length != 256) {
                    throw new AssertionError();
                }
            }
        }
    }

    private static long rssKb() throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
