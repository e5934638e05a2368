package org.dicface.pipeline;

/**
 * The output frames {@code from} ... {@code to - 1} of a clip: a segment restored on its own (on a cluster, say).
 * Output frame i depends only on input frames i − frame_length/2 ... i + frame_length/2 (clamped to the whole clip)
 * and on its own seed, drawn from its index in the whole clip, so segments restored apart and put one after the other
 * are bit for bit one uninterrupted run. {@link #ALL}: every frame.
 */
public record FrameRange(int from, int to) implements java.io.Serializable {
    /** {@code to} of the range that runs to the clip's end. */
    public static final int END = Integer.MAX_VALUE;
    public static final FrameRange ALL = new FrameRange(0, END);

    public FrameRange {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("a frame range a:b needs 0 <= a < b, got " + from + ":" + to);
        }
    }

    /** {@code a:b} as typed (output frames a ... b−1, counted from 0, like Python's slices); {@code all} for every frame. */
    public static FrameRange parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equalsIgnoreCase("all")) {
            return ALL;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9}):(\\d{1,9})").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("frames '" + s + "': give a:b, the output frames a to b-1 counted from 0"
                    + " (0:100 is the first hundred), or all");
        }
        return new FrameRange(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether this is every frame of any clip. */
    public boolean all() {
        return from == 0 && to == END;
    }

    /** This range in a clip of {@code frames} frames (every frame's range made concrete); refuses one beyond the clip. */
    public FrameRange in(int frames) {
        if (all()) {
            return new FrameRange(0, frames);
        }
        if (to > frames) {
            throw new IllegalArgumentException("frames " + this + " run past the clip's end: it has " + frames
                    + " frames (0:" + frames + " is all of them)");
        }
        return this;
    }

    /** The number of frames (of a concrete range). */
    public int length() {
        return to - from;
    }

    /** The frames both hold, or null when none. */
    public FrameRange intersect(int start, int end) {
        int a = Math.max(from, start);
        int b = Math.min(to, end);
        return a < b ? new FrameRange(a, b) : null;
    }

    /** This range moved back by {@code offset} frames (into a part that starts there). */
    public FrameRange minus(int offset) {
        return new FrameRange(from - offset, to - offset);
    }

    /** The part of output names that tells a segment's files from the whole clip's: "" for every frame. */
    public String suffix() {
        return all() ? "" : "-frames" + from + "-" + to;
    }

    @Override
    public String toString() {
        return all() ? "all" : from + ":" + to;
    }
}
