package org.dicface.face;

/**
 * When {@link ShotCuts} calls a change of frame a cut.
 *
 * @param threshold     the least histogram distance (0: same brightness-normalised luminance and colour
 *                      histograms, 1: disjoint) that is a cut. 0.3: on the test scenes a cut between two
 *                      different scenes scores 0.4 to 0.9, a pan of 2 % of the width a frame with 10 % flicker
 *                      stays under 0.1
 * @param ratio         and the distance must be this many times the mean distance of the shot's last
 *                      {@code history} frames, so that sustained fast motion (a whip pan, flashing lights), which
 *                      raises every frame's distance, does not cut at each frame
 * @param history       how many past frames that mean covers
 * @param thumbnailWidth frames are compared as block means about this many pixels wide (kept small: the test
 *                      costs well under a millisecond a frame, and noise and grain average out)
 */
public record ShotCutOptions(double threshold, double ratio, int history, int thumbnailWidth) {
    public static final ShotCutOptions DEFAULT = new ShotCutOptions(0.3, 3, 8, 64);

    public ShotCutOptions {
        if (!(threshold > 0 && threshold <= 1) || !(ratio >= 1 && ratio <= 100) || history < 1 || history > 1000
                || thumbnailWidth < 8 || thumbnailWidth > 1024) {
            throw new IllegalArgumentException("shot cut options need a threshold in (0, 1], a ratio in [1, 100], "
                    + "a history of 1 to 1000 frames and a thumbnail width of 8 to 1024, not " + threshold + ", "
                    + ratio + ", " + history + ", " + thumbnailWidth);
        }
    }
}
