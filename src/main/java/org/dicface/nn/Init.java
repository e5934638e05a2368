package org.dicface.nn;

import java.util.function.Supplier;

import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.Tensor;

/**
 * PyTorch's default initialisations, drawn from a seeded generator so that a fresh model is reproducible.
 * A module that is filled from weights right after it is built (a loaded checkpoint, an EMA copy) is built
 * {@link #undrawn}: its parameters are allocated, nothing is drawn, and the generator is not advanced.
 */
public final class Init {
    private static final ThreadLocal<Generator> GENERATOR = ThreadLocal.withInitial(() -> new Generator(0));
    private static final ThreadLocal<Boolean> UNDRAWN = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<long[]> DRAWN = ThreadLocal.withInitial(() -> new long[1]);

    private Init() {
    }

    /** Reseeds the generator that new modules on this thread draw their initial weights from. */
    public static void seed(long seed) {
        GENERATOR.get().close();
        GENERATOR.set(new Generator(seed));
    }

    /**
     * Builds modules whose parameters are allocated but not initialised (their values are undefined until
     * loaded): for a module whose every parameter is filled from weights at once, as a strict state-dict load does.
     */
    public static <T> T undrawn(Supplier<T> build) {
        boolean saved = UNDRAWN.get();
        UNDRAWN.set(true);
        try {
            return build.get();
        } finally {
            UNDRAWN.set(saved);
        }
    }

    /** How many initial tensors this thread has drawn at random so far (for tests and diagnostics). */
    public static long drawn() {
        return DRAWN.get()[0];
    }

    /** U(-bound, bound): PyTorch's kaiming_uniform(a = sqrt 5) for weights, and its bias init, use bound = 1/sqrt(fan_in). */
    public static Tensor uniform(double bound, long... shape) {
        if (UNDRAWN.get()) {
            return Tensor.empty(DType.FLOAT32, Device.CPU, shape);
        }
        DRAWN.get()[0]++;
        return Tensor.uniform(-bound, bound, GENERATOR.get(), shape);
    }

    public static Tensor normal(double std, long... shape) {
        if (UNDRAWN.get()) {
            return Tensor.empty(DType.FLOAT32, Device.CPU, shape);
        }
        DRAWN.get()[0]++;
        return Tensor.normal(0, std, GENERATOR.get(), shape);
    }

    /** xavier_uniform for a [fanOut, fanIn] matrix. */
    public static Tensor xavierUniform(long fanOut, long fanIn) {
        return uniform(Math.sqrt(6.0 / (fanIn + fanOut)), fanOut, fanIn);
    }
}
