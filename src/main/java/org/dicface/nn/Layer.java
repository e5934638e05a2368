package org.dicface.nn;

import org.dicface.torch.Tensor;

/** A module with one input and one output, so that it can stand in a {@link ModuleList} of blocks. */
public interface Layer {
    Tensor forward(Tensor x);
}
