package org.dicface.torch;

/**
 * Prints what the native side is: which library was loaded, the libtorch it was built against, CUDA,
 * threads and the CPU cache; or, when it cannot be used, the one message that says why and what to do.
 * Exit status 0 when usable, 1 otherwise.
 */
public final class Diagnose {
    private Diagnose() {
    }

    public static void main(String[] args) {
        try {
            Torch.init();
            System.out.println("DicFace native library: " + NativeLibrary.loadedPath());
            System.out.println("libtorch: " + Torch.version());
            System.out.println("CUDA: " + (Torch.cudaAvailable() ? Torch.cudaDeviceCount() + " device(s)" : "not available"));
            System.out.println("intra-op threads: " + Torch.numThreads());
            System.out.println("attention: " + (Torch.attentionFused() ? "fused (scaled_dot_product_attention)" : "op by op (libtorch 1.x)"));
            System.out.println("convolution layout: " + (Torch.channelsLast() ? "channels-last (NHWC, -Ddicface.channelsLast=true)"
                    : "NCHW (channels-last with -Ddicface.channelsLast=true)"));
            System.out.println("CUDA graphs of a step's parts: " + (!CudaGraph.available() ? "no (a CPU build)"
                    : CudaGraph.requested() ? "on (-Ddicface.cudaGraphs=true)" : "off (on with -Ddicface.cudaGraphs=true)"));
            System.out.println("copies to the GPU: " + (Torch.pinnedCopies() ? "pinned, not waiting (off with -Ddicface.pinnedCopies=false)"
                    : "pageable, waiting (-Ddicface.pinnedCopies=false)"));
            System.out.println("data-parallel process groups: Gloo (CPU) " + (ProcessGroup.supports(Device.CPU) ? "yes" : "no")
                    + ", NCCL (CUDA) " + (ProcessGroup.supports(Device.cuda(0)) ? "yes" : "no"));
            System.out.println("CPU cache: " + Torch.cpuCacheStats());
            if (!NativeLibrary.restoredSignals().isEmpty()) {
                System.out.println("signal handlers: loading libtorch replaced the JVM's for " + String.join(", ",
                        NativeLibrary.restoredSignals()) + " (UCX does, brought by some libtorch builds); they were put back");
            }
        } catch (NativeLibraryException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
