package org.dicface.video;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.dicface.torch.Tensor;

/**
 * Receives output frames in order: RGB float32 [3, height, width] in [-1, 1], unclamped (or a [1, height,
 * width] map); borrowed for the call.
 */
@FunctionalInterface
public interface FrameSink {
    void accept(int index, Tensor frame);

    /** This sink taking frame {@code first} of a clip as its frame 0 (the output of a segment that starts there). */
    default FrameSink startingAt(int first) {
        return first == 0 ? this : (i, f) -> accept(i - first, f);
    }

    /** Frames written as 8-bit RGB to a clip writer; its write errors come out as {@link UncheckedIOException}. */
    static FrameSink rgb(ClipWriter writer) {
        return (i, f) -> write(writer, i, StackFrames.toRgb(f));
    }

    /** [1, H, W] maps written as 32-bit images to a clip writer. */
    static FrameSink maps(ClipWriter writer) {
        return (i, f) -> write(writer, i, StackFrames.toFloat(f));
    }

    private static void write(ClipWriter writer, int index, ij.process.ImageProcessor ip) {
        if (index != writer.frames()) {
            throw new IllegalStateException("frame " + index + " arrived out of order");
        }
        try {
            writer.write(ip);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
