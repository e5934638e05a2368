package org.dicface.torch;

import static org.dicface.torch.bindings.dicface_torch_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;

/**
 * The libtorch runtime: version, devices, threads, seeds and the CPU block cache.
 *
 * <p>On first use the intra-op thread count is set to the cores available (system property
 * {@code dicface.threads} overrides it; Debian's libtorch would otherwise use 1) and the caching CPU
 * allocator is installed (property {@code dicface.cpuCache=false} turns it off, {@code dicface.cpuCacheMB}
 * caps the idle bytes it keeps; default a quarter of physical memory).
 */
public final class Torch {
    private static volatile boolean configured;

    private Torch() {
    }

    /** Loads the native library and applies the defaults above, once. */
    public static void init() {
        if (!configured) {
            configure();
        }
    }

    /** Whether the native library is loaded and configured (by an earlier {@link #init}). */
    public static boolean initialized() {
        return configured;
    }

    private static synchronized void configure() {
        NativeLibrary.ensureLoaded();
        if (configured) {
            return;
        }
        setNumThreads(Integer.getInteger("dicface.threads", Runtime.getRuntime().availableProcessors()));
        long limitMb = Long.getLong("dicface.cpuCacheMB", physicalMemoryBytes() / 4 >> 20);
        setCpuCacheLimit(limitMb << 20);
        setCpuCacheEnabled(Boolean.parseBoolean(System.getProperty("dicface.cpuCache", "true")));
        // cuDNN's benchmark mode may pick another algorithm on another run (last-bit differences between runs), so
        // it is asked for, not the default
        Native.check(dft_set_cudnn_benchmark(Boolean.getBoolean("dicface.cudnnBenchmark") ? 1 : 0));
        // NHWC convolutions: slower with the CPU's oneDNN (measured), for GPUs to try; the values are the same
        Native.check(dft_set_channels_last(Boolean.getBoolean("dicface.channelsLast") ? 1 : 0));
        // copies to a GPU through pinned memory, not waiting for it: the same values, in stream order
        Native.check(dft_set_pinned_copies(Boolean.parseBoolean(System.getProperty("dicface.pinnedCopies", "true")) ? 1 : 0));
        configured = true;
    }

    /**
     * Whether convolutions take and give channels-last (NHWC) tensors, for the whole process; set at start by
     * {@code -Ddicface.channelsLast=true} (off by default). The results are those of the default layout up to
     * rounding; what changes is which kernels run.
     */
    public static void channelsLast(boolean on) {
        init();
        Native.check(dft_set_channels_last(on ? 1 : 0));
    }

    public static boolean channelsLast() {
        init();
        return dft_get_channels_last() == 1;
    }

    /**
     * Whether copies from the CPU to a CUDA device go through pinned memory and return before they are done (queued
     * in order with everything after them, so the values are the same), letting the host queue the next work while the
     * GPU copies; on by default, {@code -Ddicface.pinnedCopies=false} turns it off. No effect on the CPU.
     */
    public static boolean pinnedCopies() {
        init();
        return dft_get_pinned_copies() == 1;
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 4L << 30;
    }

    /** The libtorch version the native library was built against, e.g. "1.13.0". */
    public static String version() {
        init();
        return dft_torch_version().getString(0);
    }

    public static boolean cudaAvailable() {
        init();
        return dft_cuda_is_available() == 1;
    }

    /** Whether attention runs as one fused kernel (libtorch 2.x's scaled_dot_product_attention) in this build. */
    public static boolean attentionFused() {
        init();
        return dft_attention_fused() == 1;
    }

    public static long cudaDeviceCount() {
        init();
        return dft_cuda_device_count();
    }

    /** libtorch's intra-op thread count as seen from this thread. */
    public static int numThreads() {
        init();
        return dft_get_num_threads();
    }

    /** Sets libtorch's intra-op thread count for every thread. */
    public static void setNumThreads(int threads) {
        NativeLibrary.ensureLoaded();
        Native.check(dft_set_num_threads(threads));
    }

    /** Seeds libtorch's default generators (every device). */
    public static void manualSeed(long seed) {
        init();
        Native.check(dft_manual_seed(seed));
    }

    public static void emptyCudaCache() {
        init();
        Native.check(dft_cuda_empty_cache());
    }

    /**
     * Lets CUDA fp32 convolutions and matrix products run on TF32 tensor cores (10-bit mantissa inputs,
     * fp32 sums): several times faster, outputs about 1e-3 relative off. Process-wide, like PyTorch's
     * allow_tf32 switches; libtorch starts with it on for convolutions. No effect on the CPU.
     */
    public static void setAllowTf32(boolean allow) {
        init();
        Native.check(dft_set_allow_tf32(allow ? 1 : 0));
    }

    public static boolean allowTf32() {
        init();
        return dft_get_allow_tf32() == 1;
    }

    /** Native tensor handles alive now (all threads); for leak checks. */
    public static long liveTensors() {
        init();
        return dft_live_tensors();
    }

    public static void setCpuCacheEnabled(boolean enabled) {
        NativeLibrary.ensureLoaded();
        Native.check(dft_cpu_cache_enable(enabled ? 1 : 0));
    }

    public static void setCpuCacheLimit(long bytes) {
        NativeLibrary.ensureLoaded();
        dft_cpu_cache_set_limit(bytes);
    }

    /** Frees every idle block the CPU cache holds. */
    public static void releaseCpuCache() {
        init();
        dft_cpu_cache_release();
    }

    /** State of the CPU block cache. */
    public record CpuCacheStats(boolean enabled, long idleBytes, long hits, long misses) {
    }

    public static CpuCacheStats cpuCacheStats() {
        init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, 4);
            dft_cpu_cache_stats(s, 4);
            long[] v = s.toArray(ValueLayout.JAVA_LONG);
            return new CpuCacheStats(v[0] == 1, v[1], v[2], v[3]);
        }
    }

    /**
     * A CUDA device's memory in bytes: what the driver says is free and in all, and what libtorch's caching allocator
     * has allocated and reserved, now and at most since {@link #resetPeakCudaMemory} (nvidia-smi shows the reserved
     * memory plus the CUDA context).
     */
    public record CudaMemory(long free, long total, long allocated, long peakAllocated, long reserved, long peakReserved) {
    }

    /** The memory of CUDA device {@code index}; an error without CUDA. */
    public static CudaMemory cudaMemory(int index) {
        init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, 6);
            Native.check(dft_cuda_memory(index, s));
            long[] v = s.toArray(ValueLayout.JAVA_LONG);
            return new CudaMemory(v[0], v[1], v[2], v[3], v[4], v[5]);
        }
    }

    public static void resetPeakCudaMemory(int index) {
        init();
        Native.check(dft_cuda_reset_peak_memory(index));
    }
}
