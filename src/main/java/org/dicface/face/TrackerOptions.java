package org.dicface.face;

/**
 * How faces are followed from frame to frame ({@link FaceTracker}).
 *
 * @param minFaceSize          detections whose box is narrower or lower than this many pixels are ignored: below
 *                             about 24 px the 68 landmarks are too uncertain for a steady alignment, and there is
 *                             too little of the face to restore
 * @param maxGap               the longest run of frames a track may miss (occlusion, a turned head, a missed
 *                             detection) and still continue; the missed frames are filled by linear interpolation
 *                             and marked interpolated. 10 frames is 0.4 s at 25 fps: a hand passing the face, not
 *                             someone leaving and coming back
 * @param minTrackLength       a track needs this many detected frames to be kept (or, in a shorter shot, to be
 *                             detected in every frame of it): drops the one- or two-frame false positives
 * @param maxLandmarkDistance  a detection continues a track only if its landmarks lie within this mean distance of
 *                             the track's predicted landmarks, in face sizes (the square root of the box area);
 *                             0.5 allows a face to move half its size from one frame to the next
 * @param maxSizeRatio         and only if the two boxes' sizes differ by at most this factor
 * @param smoother             the temporal smoothing of each track's landmarks within its shot
 */
public record TrackerOptions(double minFaceSize, int maxGap, int minTrackLength, double maxLandmarkDistance,
        double maxSizeRatio, LandmarkSmoother smoother) {
    public static final TrackerOptions DEFAULT = new TrackerOptions(24, 10, 5, 0.5, 1.5, PoseSmoother.DEFAULT);

    public TrackerOptions {
        check(minFaceSize >= 0 && minFaceSize <= 100_000, "minFaceSize must lie in [0, 100000] pixels", minFaceSize);
        check(maxGap >= 0 && maxGap <= 10_000, "maxGap must lie in [0, 10000] frames", maxGap);
        check(minTrackLength >= 1 && minTrackLength <= 10_000, "minTrackLength must lie in [1, 10000] frames",
                minTrackLength);
        check(maxLandmarkDistance > 0 && maxLandmarkDistance <= 10, "maxLandmarkDistance must lie in (0, 10] face sizes",
                maxLandmarkDistance);
        check(maxSizeRatio >= 1 && maxSizeRatio <= 100, "maxSizeRatio must lie in [1, 100]", maxSizeRatio);
        if (smoother == null) {
            throw new IllegalArgumentException("the tracker needs a smoother (LandmarkSmoother.NONE for none)");
        }
    }

    private static void check(boolean ok, String what, double value) {
        if (!ok) {
            throw new IllegalArgumentException(what + ", not " + value);
        }
    }

    public TrackerOptions withMinFaceSize(double v) {
        return new TrackerOptions(v, maxGap, minTrackLength, maxLandmarkDistance, maxSizeRatio, smoother);
    }

    public TrackerOptions withMaxGap(int v) {
        return new TrackerOptions(minFaceSize, v, minTrackLength, maxLandmarkDistance, maxSizeRatio, smoother);
    }

    public TrackerOptions withMinTrackLength(int v) {
        return new TrackerOptions(minFaceSize, maxGap, v, maxLandmarkDistance, maxSizeRatio, smoother);
    }

    public TrackerOptions withSmoother(LandmarkSmoother v) {
        return new TrackerOptions(minFaceSize, maxGap, minTrackLength, maxLandmarkDistance, maxSizeRatio, v);
    }
}
