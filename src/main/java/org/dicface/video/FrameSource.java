package org.dicface.video;

import org.dicface.torch.Tensor;

/** Frames of a clip, read on demand: RGB float32 [3, height, width] in [-1, 1] on the CPU. */
public interface FrameSource {
    int frameCount();

    int width();

    int height();

    /** Frame {@code index} (0-based); the caller owns the tensor. */
    Tensor frame(int index);
}
