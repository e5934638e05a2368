package org.dicface.torch;

import static org.dicface.torch.bindings.dicface_torch_h.dft_group_allreduce_mean;
import static org.dicface.torch.bindings.dicface_torch_h.dft_group_barrier;
import static org.dicface.torch.bindings.dicface_torch_h.dft_group_broadcast;
import static org.dicface.torch.bindings.dicface_torch_h.dft_group_backends;
import static org.dicface.torch.bindings.dicface_torch_h.dft_group_free;
import static org.dicface.torch.bindings.dicface_torch_h.dft_group_new;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;

import org.dicface.torch.bindings.dicface_torch_h;

/**
 * A group of processes that train one model together, through libtorch's c10d: they meet at a TCPStore that
 * rank 0 serves at {@code host:port}, then share tensors over Gloo (on the CPU) or NCCL (on a CUDA device, one
 * process per device). Every call waits for all the group and fails with a {@link TorchException} after the
 * timeout, or when a process of the group has gone (NCCL's watchdog ends a process whose peer has gone).
 */
public final class ProcessGroup implements AutoCloseable {
    /** Gradients are averaged this many bytes at a time (PyTorch's DistributedDataParallel uses 25 MB too). */
    public static final long BUCKET_BYTES = 25L << 20;

    private MemorySegment handle;
    private final int rank;
    private final int world;

    private ProcessGroup(MemorySegment handle, int rank, int world) {
        this.handle = handle;
        this.rank = rank;
        this.world = world;
    }

    /** Whether this build of the native library can share tensors on {@code device} (Gloo: CPU, NCCL: CUDA). */
    public static boolean supports(Device device) {
        Torch.init();
        int backend = device.type() == Device.Type.CPU ? dicface_torch_h.DFT_GROUP_GLOO() : dicface_torch_h.DFT_GROUP_NCCL();
        return (dft_group_backends() & backend) != 0;
    }

    /**
     * Joins the group of {@code world} processes as {@code rank}, sharing tensors on {@code device}; returns once
     * all have joined.
     */
    public static ProcessGroup join(String host, int port, int rank, int world, Duration timeout, Device device) {
        Torch.init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(dft_group_new(out, arena.allocateFrom(host), port, rank, world, timeout.toMillis(),
                    device.type() == Device.Type.CPU ? -1 : device.index()));
            return new ProcessGroup(out.get(ValueLayout.ADDRESS, 0), rank, world);
        }
    }

    public int rank() {
        return rank;
    }

    public int world() {
        return world;
    }

    /** Each tensor (contiguous, on the group's device) takes rank {@code root}'s values, in place. */
    public void broadcast(List<Tensor> tensors, int root) {
        try (Arena arena = Arena.ofConfined()) {
            Native.check(dft_group_broadcast(handle(), Native.handles(arena, tensors), tensors.size(), root));
        }
    }

    /** Each tensor becomes its mean over the group, in place (in buckets of {@link #BUCKET_BYTES}). */
    public void allReduceMean(List<Tensor> tensors) {
        try (Arena arena = Arena.ofConfined()) {
            Native.check(dft_group_allreduce_mean(handle(), Native.handles(arena, tensors), tensors.size(), BUCKET_BYTES));
        }
    }

    /** Returns once every process of the group has called it. */
    public void barrier() {
        Native.check(dft_group_barrier(handle()));
    }

    private MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("the process group is closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            dft_group_free(handle);
            handle = null;
        }
    }
}
