package org.dicface.video;

import java.util.function.IntFunction;

import org.dicface.torch.Tensor;

/** Frames of a clip, read on demand: RGB float32 [3, height, width] in [-1, 1] on the CPU. */
public interface FrameSource {
    int frameCount();

    int width();

    int height();

    /** Frame {@code index} (0-based); the caller owns the tensor. */
    Tensor frame(int index);

    /** A source of {@code frames} frames of the given size, each made by {@code frame} (which hands it over). */
    static FrameSource of(int frames, int width, int height, IntFunction<Tensor> frame) {
        return new FrameSource() {
            @Override
            public int frameCount() {
                return frames;
            }

            @Override
            public int width() {
                return width;
            }

            @Override
            public int height() {
                return height;
            }

            @Override
            public Tensor frame(int index) {
                if (index < 0 || index >= frames) {
                    throw new IndexOutOfBoundsException("frame " + index + " of " + frames);
                }
                return frame.apply(index);
            }
        };
    }
}
