package org.dicface.torch;

/** The native side cannot be used (library or libtorch missing, wrong version): says what and how to fix it. */
public final class NativeLibraryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NativeLibraryException(String message) {
        super(message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
