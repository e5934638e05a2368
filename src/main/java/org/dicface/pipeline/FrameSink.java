package org.dicface.pipeline;

import org.dicface.torch.Tensor;

/** Receives output frames in order: RGB float32 [3, height, width] in [-1, 1], unclamped; borrowed for the call. */
public interface FrameSink {
    void accept(int index, Tensor frame);
}
