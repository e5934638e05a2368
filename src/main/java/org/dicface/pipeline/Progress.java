package org.dicface.pipeline;

/** Told after each output frame; may stop the run by returning false (the run then ends with a CancelledException). */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> true;

    /** @return false to cancel */
    boolean frameDone(int done, int total);
}
