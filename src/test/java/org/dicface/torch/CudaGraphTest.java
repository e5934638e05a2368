package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * On a CUDA machine, that a replay is the captured step on the new input (gpu-check runs it there through main);
 * elsewhere, what a CUDA graph says when it cannot be made. The callers' use of graphs is checked on the CPU with a
 * stand-in (pipeline's RerunGraph).
 */
class CudaGraphTest {
    @Test
    void replaysOnAGpuAndRefusesClearlyElsewhere() {
        assertThrows(IllegalArgumentException.class, () -> new CudaGraph(Device.CPU));
        if (!CudaGraph.available()) {
            TorchException e = assertThrows(TorchException.class, () -> new CudaGraph(Device.cuda(0)));
            assertTrue(e.getMessage().contains("CUDA graphs need a CUDA build"), e.getMessage());
        } else if (!Torch.cudaAvailable()) {
            TorchException e = assertThrows(TorchException.class, () -> new CudaGraph(Device.cuda(0)));
            assertTrue(e.getMessage().contains("no CUDA device 0"), e.getMessage());
        } else {
            // relu(x W + b) and exp(b) captured once and replayed on new inputs equal the same ops run call by call
            double difference = replayedDifference(Device.cuda(0));
            assertTrue(difference <= 1e-5, "relative difference " + difference);
        }
    }

    /** gpu-check's way to run the check above where JUnit is not: prints a RESULT line. */
    public static void main(String[] args) {
        if (!CudaGraph.available() || !Torch.cudaAvailable()) {
            String why = CudaGraph.available() ? "no CUDA device" : "a build without CUDA";
            System.out.println("RESULT cuda_graph_replay=not_run reason=\"" + why + "\"");
            return;
        }
        double difference = replayedDifference(Device.cuda(0));
        System.out.printf("RESULT cuda_graph_replay_max_rel=%.2e ok=%s%n", difference, difference <= 1e-5);
    }

    /** The largest relative difference of the warm-up and three replays from the same step run call by call. */
    static double replayedDifference(Device gpu) {
        double most = 0;
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.INFERENCE.enter(); CudaGraph graph = new CudaGraph(gpu)) {
            Tensor w = random(1, gpu, 64, 32);
            Tensor b = random(2, gpu, 32);
            // two inputs, two outputs
            Function<List<Tensor>, List<Tensor>> step = in -> List.of(in.get(0).matmul(w).add(in.get(1)).relu(), in.get(1).exp());
            Tensor first = random(3, gpu, 16, 64);
            most = Math.max(most, difference(step.apply(List.of(first, b)), graph.warmUp(List.of(first, b), step)));
            List<Tensor> inputs = List.of(first.copy(), b.copy());
            List<Tensor> output = graph.capture(inputs, step);
            try {
                for (int seed = 4; seed < 7; seed++) {
                    Tensor x = random(seed, gpu, 16, 64);
                    Tensor bias = random(seed + 10, gpu, 32);
                    inputs.get(0).copyFrom(x);
                    inputs.get(1).copyFrom(bias);
                    graph.replay();
                    most = Math.max(most, difference(step.apply(List.of(x, bias)), output));
                }
            } finally {
                output.forEach(Tensor::close);
            }
        }
        return most;
    }

    private static double difference(List<Tensor> expected, List<Tensor> actual) {
        double most = expected.size() == actual.size() ? 0 : Double.POSITIVE_INFINITY;
        for (int k = 0; k < Math.min(expected.size(), actual.size()); k++) {
            float[] e = expected.get(k).toFloatArray();
            float[] a = actual.get(k).toFloatArray();
            if (e.length != a.length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int i = 0; i < e.length; i++) {
                most = Math.max(most, Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i])));
            }
        }
        return most;
    }

    private static Tensor random(int seed, Device device, long... shape) {
        try (Generator g = new Generator(seed)) {
            return Tensor.normal(0, 1, g, DType.FLOAT32, Device.CPU, shape).to(device);
        }
    }
}
