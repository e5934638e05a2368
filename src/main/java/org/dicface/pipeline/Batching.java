package org.dicface.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.torch.Device;
import org.dicface.torch.Torch;
import org.dicface.torch.TorchException;

/**
 * How many output frames one step restores ({@link Settings#batch}): as given, or, when automatic, as many as fit
 * in half the device's free memory (a quarter on the CPU, where the rest of the machine lives too), at most
 * {@link #MAX_AUTO_GPU} on a GPU and {@link #MAX_AUTO_CPU} on the CPU. The estimate of one frame's memory is
 * {@link #bytesPerFrame}; a step that runs out of memory anyway is retried with half the batch (see
 * {@link StreamingRestorer}), so the guess only has to be close.
 */
public final class Batching {
    /** A GPU's kernels are large enough from 16 frames on (more only holds memory). */
    public static final int MAX_AUTO_GPU = 16;
    /** On the CPU a batch saves only per-call overhead: 4 frames take all of it (see the README's CPU figures). */
    public static final int MAX_AUTO_CPU = 4;

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
        long perFrame = bytesPerFrame(model.config(), model.dtype().byteSize());
        if (device.type() == Device.Type.CUDA) {
            Torch.CudaMemory m = Torch.cudaMemory(device.index());
            long free = m.free() + (m.reserved() - m.allocated());  // the allocator's idle blocks are free to us
            return fit(free / 2, perFrame, MAX_AUTO_GPU);
        }
        return fit(availableMemory() / 4, perFrame, MAX_AUTO_CPU);
    }

    /** How many frames of {@code perFrame} bytes fit in {@code budget}, from 1 to {@code most}. */
    static int fit(long budget, long perFrame, int most) {
        return (int) Math.clamp(budget / Math.max(1, perFrame), 1, most);
    }

    /**
     * A generous estimate of the memory one output frame of a step holds at its peak: at each resolution of the
     * generator about eight activations (the residual block's input, norm, convolution and sum, and the fusion's
     * concatenation, scale and shift), and the frame's cached encoder features.
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

    /** What to do when even one frame at a time does not fit. */
    static String outOfMemoryAdvice(Device device) {
        return device.type() == Device.Type.CUDA
                ? "close what else uses the GPU, or choose --precision fp16 or bf16 (half the memory), or --device cpu"
                : "close other programs, or choose --precision bf16 (half the memory)";
    }

    /** MemAvailable of /proc/meminfo (Linux), else what the JVM may still take: the best guess of free memory. */
    static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            // not Linux: fall through
        }
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }
}
