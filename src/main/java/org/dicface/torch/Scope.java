package org.dicface.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic ownership of tensors (docs/ARCHITECTURE.md, decision 3).
 *
 * <p>Every tensor created on this thread while a scope is open belongs to the innermost open scope, and is
 * freed when that scope closes. {@link #keep} hands a result to the enclosing scope (or, at the outermost
 * level, to the caller, who closes it). Tensors created outside any scope belong to the caller. A
 * {@link java.lang.ref.Cleaner} frees forgotten tensors as a safety net only.
 * <pre>{@code
 * try (Scope scope = Scope.open()) {
 *     Tensor h = x.conv2d(w, b, 1, 1).silu();
 *     return scope.keep(h.add(x));   // intermediates are freed, the result survives
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread thread;
    private final List<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    /** Opens a scope nested in the current one; close it with try-with-resources. */
    public static Scope open() {
        Scope scope = new Scope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /**
     * Runs {@code body} with no scope open on this thread, so the tensors it creates belong to the caller
     * and outlive every scope (a module's parameters, say).
     */
    public static <T> T unowned(java.util.function.Supplier<T> body) {
        Scope saved = CURRENT.get();
        CURRENT.remove();
        try {
            return body.get();
        } finally {
            if (saved != null) {
                CURRENT.set(saved);
            }
        }
    }

    /**
     * Hands a tensor that no scope owns (one made under {@link #unowned}) to the innermost open scope of this thread,
     * as if it had been made there; returns it.
     */
    public static Tensor adopt(Tensor tensor) {
        register(tensor);
        return tensor;
    }

    /** Registers a new tensor with the innermost open scope of this thread, if any. */
    static void register(Tensor tensor) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            scope.owned.add(tensor);
        }
    }

    /** Moves a tensor out of this scope into the enclosing one (or to the caller); returns it. */
    public Tensor keep(Tensor tensor) {
        checkOpen();
        if (owned.remove(tensor) && parent != null) {
            parent.owned.add(tensor);
        }
        return tensor;
    }

    /** {@link #keep} for several tensors. */
    public <L extends List<Tensor>> L keepAll(L tensors) {
        tensors.forEach(this::keep);
        return tensors;
    }

    /** Number of tensors this scope will free (for tests and diagnostics). */
    public int size() {
        return owned.size();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("scope is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread || CURRENT.get() != this) {
            throw new IllegalStateException("scopes must be closed on their own thread, innermost first");
        }
        closed = true;
        CURRENT.set(parent);
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
