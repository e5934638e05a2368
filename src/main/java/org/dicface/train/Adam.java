package org.dicface.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Adam as torch.optim.Adam (no weight decay, no amsgrad), the official optimiser: betas (0.9, 0.99), lr set
 * per step by the schedule. Moments live beside each parameter; updates run in place, unrecorded.
 */
public final class Adam implements AutoCloseable {
    private final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> m = new ArrayList<>();
    private final List<Tensor> v = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private long step;
    /** Per parameter, the updates it has had (torch.optim.Adam keeps this per parameter: a parameter unfrozen late starts at 1). */
    private long[] updates;

    /** Optimises the parameters that require gradients, in the given (state-dict) order. */
    public Adam(Map<String, Tensor> parameters, double beta1, double beta2, double eps) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        parameters.forEach((name, p) -> {
            if (p.requiresGrad()) {
                names.add(name);
                params.add(p);
                m.add(Scope.unowned(() -> Tensor.full(0, p.dtype(), p.device(), p.shape())));
                v.add(Scope.unowned(() -> Tensor.full(0, p.dtype(), p.device(), p.shape())));
            }
        });
        this.updates = new long[params.size()];
    }

    /** The official settings: betas (0.9, 0.99), eps 1e-8. */
    public static Adam official(Map<String, Tensor> parameters) {
        return new Adam(parameters, 0.9, 0.99, 1e-8);
    }

    public long steps() {
        return step;
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are left alone. */
    public void step(double lr) {
        step++;
        try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            for (int i = 0; i < params.size(); i++) {
                try (Scope scope = Scope.open()) {
                    Tensor grad = params.get(i).grad();
                    if (grad == null) {
                        continue;
                    }
                    long n = ++updates[i];
                    double bias1 = 1 - Math.pow(beta1, n);
                    double bias2 = 1 - Math.pow(beta2, n);
                    m.get(i).mulInPlace(beta1).addInPlace(grad, 1 - beta1);
                    v.get(i).mulInPlace(beta2).addcmulInPlace(grad, grad, 1 - beta2);
                    Tensor denom = v.get(i).sqrt().div(Math.sqrt(bias2)).add(eps);
                    params.get(i).addcdivInPlace(m.get(i), denom, -lr / bias1);
                }
            }
        }
    }

    /** Drops every gradient (as optimizer.zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        params.forEach(Tensor::zeroGrad);
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (as clip_grad_norm_);
     * returns the norm before clipping.
     */
    public double clipGradNorm(double maxNorm) {
        double total = 0;
        List<Tensor> grads = new ArrayList<>();
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            for (Tensor p : params) {
                Tensor grad = p.grad();
                if (grad != null) {
                    grads.add(grad);
                    total += grad.square().sum().item();
                }
            }
            double norm = Math.sqrt(total);
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                grads.forEach(grad -> grad.mulInPlace(coef));
            }
            return norm;
        }
    }

    /** The moments by name ("m.<param>", "v.<param>"), for checkpoints. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            state.put("adam.m." + names.get(i), m.get(i));
            state.put("adam.v." + names.get(i), v.get(i));
        }
        state.put("adam.updates", Scope.unowned(() -> Tensor.of(updates.clone(), updates.length)));
        return state;
    }

    /** Restores moments saved by {@link #state} (keys without the "adam." prefix) and the step count. */
    public void load(Map<String, Tensor> state, long steps) {
        try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            for (int i = 0; i < names.size(); i++) {
                Tensor sm = state.get("m." + names.get(i));
                Tensor sv = state.get("v." + names.get(i));
                if (sm == null || sv == null) {
                    throw new IllegalArgumentException("the checkpoint has no Adam moments for " + names.get(i));
                }
                m.get(i).copyFrom(sm);
                v.get(i).copyFrom(sv);
            }
        }
        Tensor counts = state.get("updates");
        if (counts == null || counts.numel() != updates.length) {
            throw new IllegalArgumentException("the checkpoint has no matching Adam update counts");
        }
        this.updates = counts.toLongArray();
        state.values().forEach(Tensor::close);
        this.step = steps;
    }

    @Override
    public void close() {
        m.forEach(Tensor::close);
        v.forEach(Tensor::close);
    }
}
