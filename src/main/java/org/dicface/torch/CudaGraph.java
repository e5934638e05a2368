package org.dicface.torch;

import static org.dicface.torch.bindings.dicface_torch_h.dft_cuda_graphs_available;
import static org.dicface.torch.bindings.dicface_torch_h.dft_graph_begin;
import static org.dicface.torch.bindings.dicface_torch_h.dft_graph_end;
import static org.dicface.torch.bindings.dicface_torch_h.dft_graph_free;
import static org.dicface.torch.bindings.dicface_torch_h.dft_graph_new;
import static org.dicface.torch.bindings.dicface_torch_h.dft_graph_replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.Function;

/**
 * A CUDA graph (libtorch's {@code at::cuda::CUDAGraph}): the kernels of a step recorded once on a stream of its own and
 * replayed as one launch, so that a step of hundreds of small kernels costs the host one call. The step must have
 * fixed shapes and must not copy to the host; its tensors live in the graph's own memory pool. While one is warmed up or
 * captured, every call of the native library in the process runs on its stream (calls are not tied to OS threads), so
 * graphs are for a process where one thread drives the GPU; a second graph begun meanwhile is refused.
 */
public final class CudaGraph implements StepGraph {
    private MemorySegment handle;

    public CudaGraph(Device device) {
        Torch.init();
        if (device.type() != Device.Type.CUDA) {
            throw new IllegalArgumentException("CUDA graphs run on a CUDA device, not on " + device);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(dft_graph_new(out, device.index()));
            handle = out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Whether graphs are asked for: {@code -Ddicface.cudaGraphs=true} (off by default). */
    public static boolean requested() {
        return Boolean.getBoolean("dicface.cudaGraphs");
    }

    /** Whether this build of the native library has CUDA graphs (a CUDA build; a device is needed too). */
    public static boolean available() {
        Torch.init();
        return dft_cuda_graphs_available() == 1;
    }

    @Override
    public List<Tensor> warmUp(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
        return onGraphStream(false, () -> step.apply(inputs));
    }

    @Override
    public List<Tensor> capture(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
        // the step's other tensors are freed (back to the graph's pool) with the scope; the outputs belong to no scope
        return onGraphStream(true, () -> Scope.unowned(() -> {
            try (Scope scope = Scope.open()) {
                return scope.keepAll(new java.util.ArrayList<>(step.apply(inputs)));
            }
        }));
    }

    private List<Tensor> onGraphStream(boolean capture, java.util.function.Supplier<List<Tensor>> body) {
        Native.check(dft_graph_begin(handle(), capture ? 1 : 0));
        List<Tensor> out;
        try {
            out = body.get();
        } catch (RuntimeException | Error e) {
            try {
                Native.check(dft_graph_end(handle));
            } catch (TorchException ended) {
                e.addSuppressed(ended);
            }
            throw e;
        }
        try {
            Native.check(dft_graph_end(handle));  // a capture that went wrong fails here
        } catch (TorchException e) {
            out.forEach(Tensor::close);
            throw e;
        }
        return out;
    }

    @Override
    public void replay() {
        Native.check(dft_graph_replay(handle()));
    }

    private MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("the CUDA graph is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            dft_graph_free(handle);
            handle = null;
        }
    }
}
