package org.dicface.nn;

import org.dicface.torch.Tensor;

/** torch.nn.Conv2d with a bias, square kernel, stride and zero padding. Parameters: weight, bias. */
public final class Conv2d extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;

    public Conv2d(long in, long out, int kernel, int stride, int padding) {
        double bound = 1 / Math.sqrt(in * kernel * kernel);
        this.weight = parameter("weight", Init.uniform(bound, out, in, kernel, kernel));
        this.bias = parameter("bias", Init.uniform(bound, out));
        this.stride = stride;
        this.padding = padding;
    }

    /** A 'same' convolution: stride 1, padding kernel/2. */
    public Conv2d(long in, long out, int kernel) {
        this(in, out, kernel, 1, kernel / 2);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.conv2d(weight.get(), bias.get(), stride, padding);
    }
}
