package org.dicface.face;

/**
 * When {@link ShotCuts} calls a change of frame a cut.
 *
 * @param threshold     the least histogram distance (0: same brightness-normalised luminance and colour
 *                      histograms, 1: disjoint) that is a cut. 0.2: between the real photos of the tests
 *                      (testdata/face-api) a cut scores 0.34 to 0.59, and a pan of 2 % of the width a frame
 *                      under 12 % flicker at most 0.08; on the synthetic test scenes 0.31 to 0.71 and 0.04
 * @param ratio         and the distance must be this many times the mean distance of the shot's last
 *                      {@code history} frames, so that sustained fast motion (a whip pan, flashing lights), which
 *                      raises every frame's distance, does not cut at each frame
 * @param history       how many past frames that mean covers
 * @param thumbnailWidth frames are compared as block means about this many pixels wide: noise and grain
 *                      average out, and the test costs one pass over the frame (scripts/bench-tracking)
 */
public record ShotCutOptions(double threshold, double ratio, int history, int thumbnailWidth) {
    public static final ShotCutOptions DEFAULT = new ShotCutOptions(0.2, 3, 8, 64);

    public ShotCutOptions {
        if (!(threshold > 0 && threshold <= 1) || !(ratio >= 1 && ratio <= 100) || history < 1 || history > 1000
                || thumbnailWidth < 8 || thumbnailWidth > 1024) {
            throw new IllegalArgumentException("shot cut options need a threshold in (0, 1], a ratio in [1, 100], "
                    + "a history of 1 to 1000 frames and a thumbnail width of 8 to 1024, not " + threshold + ", "
                    + ratio + ", " + history + ", " + thumbnailWidth);
        }
    }
}
