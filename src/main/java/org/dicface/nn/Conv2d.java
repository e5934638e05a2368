package org.dicface.nn;

import org.dicface.torch.Tensor;

/** torch.nn.Conv2d with square kernel, stride and zero padding. Parameters: weight, and bias unless disabled. */
public final class Conv2d extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;

    public Conv2d(long in, long out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, true);
    }

    /** Without {@code withBias} there is no "bias" parameter (as torch.nn.Conv2d(bias=False)). */
    public Conv2d(long in, long out, int kernel, int stride, int padding, boolean withBias) {
        double bound = 1 / Math.sqrt(in * kernel * kernel);
        this.weight = parameter("weight", Init.uniform(bound, out, in, kernel, kernel));
        this.bias = withBias ? parameter("bias", Init.uniform(bound, out)) : null;
        this.stride = stride;
        this.padding = padding;
    }

    /** A 'same' convolution: stride 1, padding kernel/2. */
    public Conv2d(long in, long out, int kernel) {
        this(in, out, kernel, 1, kernel / 2);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.conv2d(weight.get(), bias == null ? null : bias.get(), stride, padding);
    }
}
