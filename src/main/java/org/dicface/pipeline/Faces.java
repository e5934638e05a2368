package org.dicface.pipeline;

import org.dicface.face.FaceTracks;

/**
 * Which faces of a clip are restored and how they are found: the mode, the options of the detection and
 * tracking pass, and tracks found earlier (a tracks.json from {@code dicface faces}, checked by eye, say), used
 * instead of a new pass when not null.
 */
public record Faces(FaceMode mode, FaceAnalysis.Options options, FaceTracks tracks) {
    public static final Faces AUTO = new Faces(FaceMode.AUTO, FaceAnalysis.Options.DEFAULT, null);
    public static final Faces ALIGNED = AUTO.withMode(FaceMode.ALIGNED);

    public Faces {
        java.util.Objects.requireNonNull(mode, "mode");
        java.util.Objects.requireNonNull(options, "options");
    }

    /**
     * The options as typed, for every front-end: the mode (auto, all, largest, aligned), the smallest face side in
     * pixels that is followed, and earlier tracks (null: find them).
     */
    public static Faces parse(String mode, double minFaceSize, FaceTracks tracks) {
        FaceMode m = FaceMode.parse(mode);
        if (tracks != null && m == FaceMode.ALIGNED) {
            throw new IllegalArgumentException("face tracks are for finding faces in ordinary video; faces aligned"
                    + " restores whole frames: give one or the other");
        }
        return new Faces(m, FaceAnalysis.Options.DEFAULT.withTracker(
                FaceAnalysis.Options.DEFAULT.tracker().withMinFaceSize(minFaceSize)), tracks);
    }

    public Faces withMode(FaceMode value) {
        return new Faces(value, options, tracks);
    }

    public Faces withOptions(FaceAnalysis.Options value) {
        return new Faces(mode, value, tracks);
    }

    public Faces withTracks(FaceTracks value) {
        return new Faces(mode, options, value);
    }
}
