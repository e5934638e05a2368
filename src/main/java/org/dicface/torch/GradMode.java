package org.dicface.torch;

/**
 * Whether ops record autograd history, per Java thread (virtual threads included).
 *
 * <p>The mode is passed with every native call rather than set in libtorch's OS-thread-local state, so it
 * follows the Java thread, not the carrier it happens to run on.
 * <pre>{@code try (var mode = GradMode.INFERENCE.enter()) { ... } }</pre>
 */
public enum GradMode {
    /** Record history for backward (the default, as in PyTorch). */
    GRAD(0),
    /** Do not record history ({@code torch.no_grad()}). */
    NO_GRAD(1),
    /** {@code torch.inference_mode()}: fastest; the results can never enter autograd. */
    INFERENCE(2);

    private static final ThreadLocal<GradMode> CURRENT = ThreadLocal.withInitial(() -> GRAD);
    final int code;

    GradMode(int code) {
        this.code = code;
    }

    public static GradMode current() {
        return CURRENT.get();
    }

    /** Makes this the mode of the current thread until the returned guard is closed. */
    public Guard enter() {
        GradMode previous = CURRENT.get();
        CURRENT.set(this);
        return () -> CURRENT.set(previous);
    }

    /** Restores the previous mode. */
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
