package org.dicface.face;

import java.util.ArrayDeque;
import java.util.Deque;

import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Finds shot cuts frame by frame, holding only the previous frame's histograms (memory flat in video length).
 * Each frame ([3, H, W] RGB in [-1, 1]) is reduced to block means about {@link ShotCutOptions#thumbnailWidth()}
 * wide and described by three histograms: luminance after removing its mean and dividing by its standard
 * deviation (so a change of brightness or contrast, flicker, a fade in light, moves nothing), and the two
 * chroma channels. Histograms ignore where things are, so camera motion changes them little; a cut replaces
 * the content and changes them a lot. The distance of consecutive frames is the weighted total-variation
 * distance of the histograms (luminance half, each chroma a quarter), in [0, 1].
 */
public final class ShotCuts {
    private static final int BINS = 16;
    private static final double LUMA_RANGE = 2.5;
    private static final double CHROMA_RANGE = 0.5;

    private final ShotCutOptions options;
    private final Deque<Double> recent = new ArrayDeque<>();
    private double[][] previous;
    private double lastDistance;

    public ShotCuts(ShotCutOptions options) {
        this.options = options;
    }

    public ShotCuts() {
        this(ShotCutOptions.DEFAULT);
    }

    /** Whether {@code frame} starts a shot: the first frame does, and every frame after a cut. */
    public boolean startsShot(Tensor frame) {
        return startsShot(thumbnail(frame, options.thumbnailWidth()));
    }

    /** The same for a frame already reduced to a thumbnail. */
    public boolean startsShot(Thumbnail frame) {
        double[][] h = histograms(frame);
        double[][] before = previous;
        previous = h;
        if (before == null) {
            lastDistance = 0;
            return true;
        }
        double d = distance(before, h);
        lastDistance = d;
        double mean = 0;
        for (double r : recent) {
            mean += r / recent.size();
        }
        boolean cut = d >= options.threshold() && d >= options.ratio() * mean;
        if (cut) {
            recent.clear();
        } else {
            recent.addLast(d);
            if (recent.size() > options.history()) {
                recent.removeFirst();
            }
        }
        return cut;
    }

    /** The distance between the last two frames given (0 after the first). */
    public double lastDistance() {
        return lastDistance;
    }

    /** A frame reduced to block means: RGB planes of {@code width * height} values each, in [-1, 1]. */
    public record Thumbnail(int width, int height, float[] rgb) {
        public Thumbnail {
            if (width < 1 || height < 1 || rgb.length != 3L * width * height) {
                throw new IllegalArgumentException("a thumbnail of " + width + " x " + height + " needs "
                        + 3L * width * height + " values, not " + rgb.length);
            }
        }
    }

    /** Block means of a [3, H, W] frame, with square blocks of W / maxWidth pixels (at least 1). */
    public static Thumbnail thumbnail(Tensor frame, int maxWidth) {
        long[] s = frame.shape();
        if (s.length != 3 || s[0] != 3 || s[1] < 1 || s[2] < 1) {
            throw new IllegalArgumentException("a frame is [3, H, W], not " + java.util.Arrays.toString(s));
        }
        int block = (int) Math.max(1, s[2] / maxWidth);
        int h = (int) Math.max(1, s[1] / block);
        int w = (int) (s[2] / block);
        int bh = (int) Math.min(block, s[1]);
        try (Scope scope = Scope.open()) {
            Tensor t = frame.device().equals(Device.CPU) ? frame : frame.to(Device.CPU);
            t = t.narrow(1, 0, (long) h * bh).narrow(2, 0, (long) w * block).reshape(3, h, bh, w, block)
                    .mean(new long[] {2, 4}, false);
            return new Thumbnail(w, h, t.toFloatArray());
        }
    }

    /** Normalised luminance, Cb and Cr histograms, soft-binned (each value split between its two nearest bins). */
    static double[][] histograms(Thumbnail t) {
        int n = t.width() * t.height();
        float[] p = t.rgb();
        double[] y = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            y[i] = 0.299 * p[i] + 0.587 * p[n + i] + 0.114 * p[2 * n + i];
            mean += y[i] / n;
        }
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (y[i] - mean) * (y[i] - mean) / n;
        }
        // a floor, so that a flat frame's noise is not blown up into a histogram
        double std = Math.max(Math.sqrt(var), 0.02);
        double[][] h = new double[3][BINS];
        for (int i = 0; i < n; i++) {
            add(h[0], (y[i] - mean) / std, LUMA_RANGE, 1.0 / n);
            add(h[1], 0.564 * (p[2 * n + i] - y[i]), CHROMA_RANGE, 1.0 / n);
            add(h[2], 0.713 * (p[i] - y[i]), CHROMA_RANGE, 1.0 / n);
        }
        return h;
    }

    private static void add(double[] hist, double v, double range, double weight) {
        double pos = (Math.clamp(v, -range, range) + range) / (2 * range) * BINS - 0.5;
        int lo = (int) Math.floor(pos);
        double f = pos - lo;
        if (lo >= 0) {
            hist[lo] += weight * (1 - f);
        } else {
            hist[0] += weight * (1 - f);
        }
        if (lo + 1 < BINS) {
            hist[lo + 1] += weight * f;
        } else {
            hist[BINS - 1] += weight * f;
        }
    }

    static double distance(double[][] a, double[][] b) {
        double[] weight = {0.5, 0.25, 0.25};
        double d = 0;
        for (int c = 0; c < 3; c++) {
            double tv = 0;
            for (int i = 0; i < BINS; i++) {
                tv += Math.abs(a[c][i] - b[c][i]);
            }
            d += weight[c] * tv / 2;
        }
        return d;
    }
}
