package org.dicface.pipeline;

/**
 * Told after each output frame; may stop the run by returning false (the run then ends with a CancelledException).
 * Also hears the run's notes.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total) -> true;

    /** @return false to cancel */
    boolean frameDone(int done, int total);

    /** Something the user should know on the way (the batch made smaller for memory, say); by default dropped. */
    default void note(String message) {
    }

    /** Frame counts to {@code frames}, notes to {@code notes}: how a part of a longer run keeps the longer run's notes. */
    static Progress of(Progress frames, java.util.function.Consumer<String> notes) {
        return new Progress() {
            @Override
            public boolean frameDone(int done, int total) {
                return frames.frameDone(done, total);
            }

            @Override
            public void note(String message) {
                notes.accept(message);
            }
        };
    }
}
