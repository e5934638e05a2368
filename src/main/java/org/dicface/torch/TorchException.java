package org.dicface.torch;

/** An error reported by libtorch (or by the C API around it), carrying libtorch's own message. */
public final class TorchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TorchException(String message) {
        super(message);
    }
}
