package org.dicface.face.scenes;

import org.dicface.face.Box;
import org.dicface.face.Landmarks;
import org.dicface.face.Similarity;

/**
 * Ground truth of one face in one frame: who it is (the still's name), face-api's box on the still under the
 * frame's transform (the bounds of the turned box), the still's 68 points under that transform, the transform
 * itself, and the fraction of the 68 points that can be seen (inside the frame and not covered by a layer in front).
 */
public record FaceTruth(String identity, Box box, Landmarks landmarks, Similarity transform, double visibleFraction) {
    /** A face counts as visible when at least this fraction of its points can be seen. */
    public static final double VISIBLE = 0.5;

    public boolean visible() {
        return visibleFraction >= VISIBLE;
    }

    /** The 5 alignment points (template order) from the 68. */
    public Landmarks alignmentPoints() {
        return landmarks.alignmentPoints();
    }
}
