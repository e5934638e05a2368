package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What a CUDA graph says where it cannot be made; on a CUDA machine, that a replay is the captured step on the new
 * input (gpu-check runs this test there).
 */
class CudaGraphTest {
    @Test
    void refusesWhatItCannotDo() {
        assertThrows(IllegalArgumentException.class, () -> new CudaGraph(Device.CPU));
        if (!CudaGraph.available()) {
            TorchException e = assertThrows(TorchException.class, () -> new CudaGraph(Device.cuda(0)));
            assertTrue(e.getMessage().contains("CUDA graphs need a CUDA build"), e.getMessage());
        } else if (!Torch.cudaAvailable()) {
            TorchException e = assertThrows(TorchException.class, () -> new CudaGraph(Device.cuda(0)));
            assertTrue(e.getMessage().contains("no CUDA device 0"), e.getMessage());
        }
    }

    /** On a GPU: y = relu(x W + b) captured once, replayed on new inputs, equals the same ops run call by call. */
    @Test
    void replayComputesTheCapturedStepOnTheNewInput() {
        if (!Torch.cudaAvailable()) {
            return;  // nothing to replay on: the stand-in (pipeline's RerunGraph) covers the callers on the CPU
        }
        Device gpu = Device.cuda(0);
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.INFERENCE.enter(); CudaGraph graph = new CudaGraph(gpu)) {
            Tensor w = random(1, gpu, 64, 32);
            Tensor b = random(2, gpu, 32);
            java.util.function.UnaryOperator<Tensor> step = x -> x.matmul(w).add(b).relu();
            Tensor first = random(3, gpu, 16, 64);
            Tensor warm = graph.warmUp(first, step);
            assertArrayClose(step.apply(first), warm);
            Tensor input = first.copy();
            Tensor output = graph.capture(input, step);
            for (int seed = 4; seed < 7; seed++) {
                Tensor x = random(seed, gpu, 16, 64);
                input.copyFrom(x);
                graph.replay();
                assertArrayClose(step.apply(x), output);
            }
            output.close();
        }
    }

    private static Tensor random(int seed, Device device, long... shape) {
        try (Generator g = new Generator(seed)) {
            return Tensor.normal(0, 1, g, DType.FLOAT32, Device.CPU, shape).to(device);
        }
    }

    private static void assertArrayClose(Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-5 * Math.max(1, Math.abs(e[i])), "element " + i);
        }
    }
}
