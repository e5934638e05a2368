package org.dicface.nn;

import org.dicface.torch.Tensor;

/** torch.nn.LayerNorm over the last dimension, with weight and bias. */
public final class LayerNorm extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final long[] shape;
    private final double eps;

    public LayerNorm(long dim, double eps) {
        this.weight = parameter("weight", Tensor.ones(dim));
        this.bias = parameter("bias", Tensor.zeros(dim));
        this.shape = new long[] {dim};
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.layerNorm(shape, weight.get(), bias.get(), eps);
    }
}
