package org.dicface.pipeline;

import java.util.Locale;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.torch.Device;
import org.dicface.torch.Torch;
import org.dicface.torch.TorchException;

/**
 * How many output frames one step restores ({@link Settings#batch}): as given, or, when automatic, as many as fit
 * in half a GPU's free memory, at most {@link #MAX_AUTO_GPU}, and one on the CPU ({@link #MAX_AUTO_CPU}). The estimate of one frame's memory is
 * {@link #bytesPerFrame}; a step that runs out of memory anyway is retried with half the batch (see
 * {@link StreamingRestorer}), so the guess only has to be close.
 */
public final class Batching {
    /** A GPU's kernels are large enough from 16 frames on (more only holds memory). */
    public static final int MAX_AUTO_GPU = 16;
    /**
     * On the CPU a batch does not pay: a 512-pixel frame's activations already overflow the caches, and four at once
     * took 11.5 s a frame against 8.9 s for one (README, Performance). Auto is one frame there.
     */
    public static final int MAX_AUTO_CPU = 1;

    private Batching() {
    }

    /** "auto" (or empty) or a whole number of frames from 1 to {@link Settings#MAX_BATCH}. */
    public static int parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("auto") || t.equals("0")) {
            return Settings.AUTO_BATCH;
        }
        try {
            int b = Integer.parseInt(t);
            if (b >= 1 && b <= Settings.MAX_BATCH) {
                return b;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("the batch is auto or a number of frames per step from 1 to "
                + Settings.MAX_BATCH + ", not '" + (text == null ? "" : text.trim()) + "'");
    }

    /** The batch as the user gave it, or the automatic one for this model on this device. */
    public static int choose(int requested, DicFace model, Device device) {
        if (requested != Settings.AUTO_BATCH) {
            return requested;
        }
        if (device.type() == Device.Type.CUDA) {
            long perFrame = bytesPerFrame(model.config(), model.dtype().byteSize());
            Torch.CudaMemory m = Torch.cudaMemory(device.index());
            long free = m.free() + (m.reserved() - m.allocated());  // the allocator's idle blocks are free to us
            return fit(free / 2, perFrame, MAX_AUTO_GPU);
        }
        return MAX_AUTO_CPU;
    }

    /** How many frames of {@code perFrame} bytes fit in {@code budget}, from 1 to {@code most}. */
    static int fit(long budget, long perFrame, int most) {
        return (int) Math.clamp(budget / Math.max(1, perFrame), 1, most);
    }

    /**
     * A generous estimate of the memory one output frame of a step holds at its peak: at each resolution of the
     * generator about eight activations (the residual block's input, norm, convolution and sum, and the fusion's
     * concatenation, scale and shift), and the frame's cached encoder features (twice over when the restorer looks a
     * step ahead, still inside the nine).
     */
    static long bytesPerFrame(DicFaceConfig c, long bytesPerValue) {
        long values = 0;
        for (int level = 0, r = c.imgSize(); level < c.levels(); level++, r /= 2) {
            values += 9L * r * r * c.channelsAt(r);
        }
        return values * bytesPerValue;
    }

    /** Whether libtorch failed for want of memory (CUDA's caching allocator, or the CPU's). */
    static boolean isOutOfMemory(TorchException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return m.contains("out of memory") || m.contains("can't allocate memory") || m.contains("outofmemoryerror");
    }

    /** "GPU memory" or "memory": what ran out on that device. */
    static String memoryOf(Device device) {
        return device.type() == Device.Type.CUDA ? "GPU memory" : "memory";
    }

    /** What to do when even one frame at a time does not fit. */
    static String outOfMemoryAdvice(Device device) {
        return device.type() == Device.Type.CUDA
                ? "close what else uses the GPU, or choose --precision fp16 or bf16 (half the memory), or --device cpu"
                : "close other programs, or choose --precision bf16 (half the memory)";
    }
}
