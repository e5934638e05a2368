package org.dicface.model;

import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * KL(Dir(alpha) || Dir(beta . 1)) per latent cell, averaged over cells, in closed form. The official loss
 * (DirichletKLLoss) drops the constant -lgamma(N beta) + N lgamma(beta); both values are offered, and both
 * have the same gradient.
 */
public final class DirichletKl {
    /** The official prior concentration. */
    public static final double OFFICIAL_BETA = 0.1;

    private DirichletKl() {
    }

    /** lgamma(sum a) - sum lgamma(a) + sum (a - beta)(digamma(a) - digamma(sum a)), mean over cells. */
    public static Tensor official(Tensor alpha, double beta) {
        try (Scope scope = Scope.open()) {
            long[] last = {-1};
            Tensor sum = alpha.sum(last, true);
            Tensor kl = sum.lgamma().sum(last, false)
                    .sub(alpha.lgamma().sum(last, false))
                    .add(alpha.sub(beta).mul(alpha.digamma().sub(sum.digamma())).sum(last, false));
            return scope.keep(kl.mean());
        }
    }

    /** The exact KL: the official value plus its constant. */
    public static Tensor exact(Tensor alpha, double beta) {
        long n = alpha.size(-1);
        try (Scope scope = Scope.open()) {
            return scope.keep(official(alpha, beta).add(constant(n, beta)));
        }
    }

    /** -lgamma(N beta) + N lgamma(beta): 138.6895 for N = 64 and 1936.57 for N = 1024 at beta 0.1. */
    public static double constant(long entries, double beta) {
        try (Scope scope = Scope.open()) {
            double lgammaSum = Tensor.full(entries * beta, DType.FLOAT64, Device.CPU).lgamma().item();
            double lgammaBeta = Tensor.full(beta, DType.FLOAT64, Device.CPU).lgamma().item();
            return -lgammaSum + entries * lgammaBeta;
        }
    }
}
