package org.dicface.face;

import java.util.List;

/** One face followed through consecutive frames of one shot: its frames in order, with no gaps. */
public record Track(int id, List<TrackedFace> frames) {
    public Track {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("track " + id + " has no frames");
        }
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).frame() != frames.get(i - 1).frame() + 1) {
                throw new IllegalArgumentException("track " + id + " skips from frame " + frames.get(i - 1).frame()
                        + " to " + frames.get(i).frame());
            }
        }
    }

    public int firstFrame() {
        return frames.getFirst().frame();
    }

    /** One past the last frame. */
    public int endFrame() {
        return frames.getLast().frame() + 1;
    }

    /** Whether the track has a face in {@code frame}. */
    public boolean covers(int frame) {
        return frame >= firstFrame() && frame < endFrame();
    }

    /** The track's face in {@code frame}, which must lie in [firstFrame, endFrame). */
    public TrackedFace at(int frame) {
        return frames.get(frame - firstFrame());
    }
}
