package org.dicface.nn;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * TensorFlow's separableConv2d with a bias and 'same' padding ({@link SamePadding}): a depthwise k x k
 * convolution (one filter per input channel, no bias), then a 1x1 pointwise convolution, then the bias.
 * Parameters in PyTorch's layout under TensorFlow's names: depthwise_filter [in, 1, k, k],
 * pointwise_filter [out, in, 1, 1], bias [out].
 */
public final class SeparableConv2d extends Module implements Layer {
    private final Parameter depthwise;
    private final Parameter pointwise;
    private final Parameter bias;
    private final int stride;
    private final int channels;

    public SeparableConv2d(int in, int out, int kernel, int stride) {
        this.depthwise = parameter("depthwise_filter", Init.uniform(1 / Math.sqrt(kernel * kernel), in, 1, kernel, kernel));
        this.pointwise = parameter("pointwise_filter", Init.uniform(1 / Math.sqrt(in), out, in, 1, 1));
        this.bias = parameter("bias", Init.uniform(1 / Math.sqrt(in), out));
        this.stride = stride;
        this.channels = in;
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            Tensor d = SamePadding.conv2d(x, depthwise.get(), null, stride, channels);
            return scope.keep(d.conv2d(pointwise.get(), bias.get(), 1, 0));
        }
    }
}
