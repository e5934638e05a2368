package org.dicface.model;

import java.util.List;

import org.dicface.nn.Conv2d;
import org.dicface.nn.Module;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * DicFace's transformer input: the encoder features at latent x4 and x2, pixel-unshuffled to the latent
 * grid (factors 4 and 2), and the latent z, each through a 1x1 conv; concatenated in that order; a 3x3 conv.
 * Module names keep the official "64/32/16" whatever the resolutions are.
 */
public final class MultiScaleFuse extends Module {
    private final Conv2d s64;
    private final Conv2d s32;
    private final Conv2d s16;
    private final Conv2d out;

    public MultiScaleFuse(DicFaceConfig c) {
        int d = c.codebookDim();
        this.s64 = child("s64_conv", new Conv2d(16L * c.channelsAt(c.multiscaleTapHigh()), d, 1));
        this.s32 = child("s32_conv", new Conv2d(4L * c.channelsAt(c.multiscaleTapLow()), d, 1));
        this.s16 = child("s16_conv", new Conv2d(d, d, 1));
        this.out = child("out", new Conv2d(3L * d, d, 3));
    }

    public Tensor forward(Tensor high, Tensor low, Tensor z) {
        try (Scope scope = Scope.open()) {
            Tensor a = s64.forward(high.pixelUnshuffle(4));
            Tensor b = s32.forward(low.pixelUnshuffle(2));
            Tensor c = s16.forward(z);
            return scope.keep(out.forward(Tensor.cat(List.of(a, b, c), 1)));
        }
    }
}
