package org.dicface.nn;

import org.dicface.torch.Tensor;

/** torch.nn.GroupNorm with affine parameters weight and bias. */
public final class GroupNorm extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int groups;
    private final double eps;

    public GroupNorm(int groups, long channels, double eps) {
        this.weight = parameter("weight", Tensor.ones(channels));
        this.bias = parameter("bias", Tensor.zeros(channels));
        this.groups = groups;
        this.eps = eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.groupNorm(groups, weight.get(), bias.get(), eps);
    }
}
