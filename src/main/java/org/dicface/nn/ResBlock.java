package org.dicface.nn;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The VQGAN residual block: h = conv1(swish(norm1(x))); h = conv2(swish(norm2(h))); out = h + shortcut(x),
 * with the shortcut a 1x1 conv_out only when the channel counts differ. GroupNorm: 32 groups, eps 1e-6.
 */
public final class ResBlock extends Module implements Layer {
    public static final int GROUPS = 32;
    public static final double EPS = 1e-6;

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convOut;

    public ResBlock(long in, long out) {
        this.norm1 = child("norm1", new GroupNorm(GROUPS, in, EPS));
        this.conv1 = child("conv1", new Conv2d(in, out, 3));
        this.norm2 = child("norm2", new GroupNorm(GROUPS, out, EPS));
        this.conv2 = child("conv2", new Conv2d(out, out, 3));
        this.convOut = in != out ? child("conv_out", new Conv2d(in, out, 1)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            Tensor h = conv1.forward(norm1.forward(x).silu());
            h = conv2.forward(norm2.forward(h).silu());
            return scope.keep(h.add(convOut == null ? x : convOut.forward(x)));
        }
    }
}
