package org.dicface.nn;

import org.dicface.torch.Tensor;

/** torch.nn.Linear: y = x W^T + b. Parameters: weight [out, in], and bias [out] unless disabled. */
public final class Linear extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(long in, long out, boolean withBias) {
        double bound = 1 / Math.sqrt(in);
        this.weight = parameter("weight", Init.uniform(bound, out, in));
        this.bias = withBias ? parameter("bias", Init.uniform(bound, out)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.linear(weight.get(), bias == null ? null : bias.get());
    }
}
