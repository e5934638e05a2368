package org.dicface.nn;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Inverted dropout, as torch.nn.functional.dropout: in training each element is zeroed with probability p and
 * the rest scaled by 1 / (1 - p); in evaluation it is the identity. Masks come from libtorch's default
 * generator (the trainer seeds it per step, so runs are reproducible).
 */
public final class Dropout {
    private Dropout() {
    }

    public static Tensor apply(Tensor x, double p, boolean training) {
        if (!training || p == 0) {
            return x;
        }
        try (Scope scope = Scope.open()) {
            Tensor keep = Tensor.uniform(0, 1, null, x.dtype(), x.device(), x.shape()).gt(p).to(x.dtype());
            return scope.keep(x.mul(keep).div(1 - p));
        }
    }
}
