package org.dicface.pipeline;

/** A run stopped on request; what was written before stays valid. */
public final class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelledException(int done, int total) {
        super("cancelled after " + done + " of " + total + " frames");
    }
}
