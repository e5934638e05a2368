package org.dicface.nn;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/** The VQGAN downsampling: zero-pad right and bottom by one, then a 3x3 conv with stride 2, no padding. */
public final class Downsample extends Module implements Layer {
    private static final long[] PAD_RIGHT_BOTTOM = {0, 1, 0, 1};
    private final Conv2d conv;

    public Downsample(long channels) {
        this.conv = child("conv", new Conv2d(channels, channels, 3, Conv2d.Options.DEFAULT.stride(2).padding(0)));
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            return scope.keep(conv.forward(x.pad(PAD_RIGHT_BOTTOM, Tensor.PadMode.CONSTANT, 0)));
        }
    }
}
