package org.dicface.nn;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/** The VQGAN upsampling: nearest-neighbour x2, then a 3x3 conv with padding 1. */
public final class Upsample extends Module implements Layer {
    private final Conv2d conv;

    public Upsample(long channels) {
        this.conv = child("conv", new Conv2d(channels, channels, 3));
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            return scope.keep(conv.forward(x.upsampleNearest(x.size(2) * 2, x.size(3) * 2)));
        }
    }
}
