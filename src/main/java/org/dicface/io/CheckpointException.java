package org.dicface.io;

/** A checkpoint file that cannot be read as one: the message names the file, the problem and the fix. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
