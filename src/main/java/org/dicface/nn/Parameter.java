package org.dicface.nn;

import org.dicface.torch.Tensor;

/** A module's slot for one parameter tensor; {@link Module#to} swaps the tensor, layers read it through {@link #get}. */
public final class Parameter {
    private Tensor value;

    Parameter(Tensor value) {
        this.value = value;
    }

    public Tensor get() {
        return value;
    }

    void set(Tensor value) {
        this.value = value;
    }
}
