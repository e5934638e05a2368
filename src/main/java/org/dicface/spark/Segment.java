package org.dicface.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.dicface.pipeline.FrameRange;

/**
 * One unit of work: output frames of one input of the batch ({@code input}: its index in the command line's inputs).
 * A long video is cut into segments restored apart (each reads the frames its windows reach beyond it); a short clip
 * is one segment.
 */
public record Segment(int input, FrameRange frames) implements Serializable {
    /** The segments of a clip of {@code frameCount} frames, {@code length} frames each (the last may be shorter). */
    public static List<FrameRange> cut(int frameCount, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("segments must be 1 frame or longer, got " + length);
        }
        List<FrameRange> cuts = new ArrayList<>();
        for (int a = 0; a < frameCount; a += length) {
            cuts.add(new FrameRange(a, (int) Math.min(frameCount, (long) a + length)));
        }
        return cuts;
    }
}
