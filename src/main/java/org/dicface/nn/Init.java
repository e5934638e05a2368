package org.dicface.nn;

import org.dicface.torch.Generator;
import org.dicface.torch.Tensor;

/** PyTorch's default initialisations, drawn from a seeded generator so that a fresh model is reproducible. */
public final class Init {
    private static final ThreadLocal<Generator> GENERATOR = ThreadLocal.withInitial(() -> new Generator(0));

    private Init() {
    }

    /** Reseeds the generator that new modules on this thread draw their initial weights from. */
    public static void seed(long seed) {
        GENERATOR.get().close();
        GENERATOR.set(new Generator(seed));
    }

    /** U(-bound, bound): PyTorch's kaiming_uniform(a = sqrt 5) for weights, and its bias init, use bound = 1/sqrt(fan_in). */
    public static Tensor uniform(double bound, long... shape) {
        return Tensor.uniform(-bound, bound, GENERATOR.get(), shape);
    }

    public static Tensor normal(double std, long... shape) {
        return Tensor.normal(0, std, GENERATOR.get(), shape);
    }

    /** xavier_uniform for a [fanOut, fanIn] matrix. */
    public static Tensor xavierUniform(long fanOut, long fanIn) {
        return uniform(Math.sqrt(6.0 / (fanIn + fanOut)), fanOut, fanIn);
    }
}
