package org.dicface.face;

/**
 * OpenCV's erosion and Gaussian blur of a single-channel float plane, computed over a window {@code r} of a
 * {@code w}×{@code h} frame whose values outside the window are 0: the window's result equals that of the
 * whole frame wherever the true values outside it are 0. Borders follow OpenCV's defaults: the frame's
 * outside never erodes (+∞), and the blur reflects about the frame's edge pixels (BORDER_REFLECT_101).
 */
final class Filters {
    /** OpenCV's fixed kernels for odd sizes up to 7 when σ is not given (getGaussianKernel). */
    private static final float[][] SMALL_GAUSSIAN = {
        {1f},
        {0.25f, 0.5f, 0.25f},
        {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f},
        {0.03125f, 0.109375f, 0.21875f, 0.28125f, 0.21875f, 0.109375f, 0.03125f},
    };

    private Filters() {
    }

    /** Erosion by a k×k kernel of ones with OpenCV's anchor (k/2, k/2): the minimum over offsets -k/2 .. k-1-k/2. */
    static float[] erode(float[] plane, Rect r, int w, int h, int k) {
        if (k <= 1) {
            return plane.clone();
        }
        return separable(plane, r, w, h, new Erosion(k, Math.max(r.width(), r.height())));
    }

    /** A filter of one line of a window: {@code n} values starting at {@code start} on a frame line of {@code length}. */
    private interface LineFilter {
        void apply(float[] in, int at, int n, int start, int length, float[] out, int outAt);
    }

    /** The rows pass, then the columns pass done as a rows pass on the transposed window (memory in order). */
    private static float[] separable(float[] plane, Rect r, int w, int h, LineFilter f) {
        float[] tmp = new float[plane.length];
        for (int row = 0; row < r.height(); row++) {
            f.apply(plane, row * r.width(), r.width(), r.x(), w, tmp, row * r.width());
        }
        float[] t = transpose(tmp, r.width(), r.height());
        for (int col = 0; col < r.width(); col++) {
            f.apply(t, col * r.height(), r.height(), r.y(), h, tmp, col * r.height());
        }
        return transpose(tmp, r.height(), r.width());
    }

    /** The transpose of a {@code w}×{@code h} row-major plane, in cache-sized blocks. */
    static float[] transpose(float[] in, int w, int h) {
        float[] out = new float[in.length];
        final int block = 32;
        for (int y0 = 0; y0 < h; y0 += block) {
            for (int x0 = 0; x0 < w; x0 += block) {
                int y1 = Math.min(h, y0 + block);
                int x1 = Math.min(w, x0 + block);
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        out[x * h + y] = in[y * w + x];
                    }
                }
            }
        }
        return out;
    }

    /** Van Herk / Gil-Werman running minimum: three comparisons per pixel whatever the kernel size. */
    private static final class Erosion implements LineFilter {
        private final int k;
        private final int anchor;
        private final float[] ext;
        private final float[] g;
        private final float[] hh;

        Erosion(int k, int longest) {
            this.k = k;
            this.anchor = k / 2;
            ext = new float[longest + k - 1];
            g = new float[ext.length];
            hh = new float[ext.length];
        }

        @Override
        public void apply(float[] in, int at, int n, int start, int length, float[] out, int outAt) {
            int m = n + k - 1;
            // positions start - anchor + i: outside the frame +inf, outside the window (in the frame) 0
            int first = start - anchor;
            for (int i = 0; i < m; i++) {
                int p = first + i;
                int j = p - start;
                ext[i] = p < 0 || p >= length ? Float.POSITIVE_INFINITY : j >= 0 && j < n ? in[at + j] : 0f;
            }
            for (int b = 0; b < m; b += k) { // blocks of k: running minimum from each block's start and end
                int e = Math.min(m, b + k);
                float run = ext[b];
                g[b] = run;
                for (int i = b + 1; i < e; i++) {
                    run = Math.min(run, ext[i]);
                    g[i] = run;
                }
                run = ext[e - 1];
                hh[e - 1] = run;
                for (int i = e - 2; i >= b; i--) {
                    run = Math.min(run, ext[i]);
                    hh[i] = run;
                }
            }
            for (int j = 0; j < n; j++) {
                out[outAt + j] = Math.min(hh[j], g[j + k - 1]);
            }
        }
    }

    /** OpenCV's GaussianBlur with kernel size {@code ksize} (odd) and σ = 0: σ = 0.3·((ksize - 1)·0.5 - 1) + 0.8. */
    static float[] gaussian(float[] plane, Rect r, int w, int h, int ksize) {
        return separable(plane, r, w, h, gaussianKernel(ksize));
    }

    /** OpenCV's getGaussianKernel(ksize, 0), as float32. */
    static float[] gaussianKernel(int ksize) {
        if (ksize < 1 || ksize % 2 == 0) {
            throw new IllegalArgumentException("a Gaussian kernel size is odd and positive, got " + ksize);
        }
        if (ksize <= 7) {
            return SMALL_GAUSSIAN[ksize / 2].clone();
        }
        return gaussianKernel(ksize, 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8);
    }

    /** A normalised Gaussian of {@code ksize} taps and standard deviation {@code sigma}. */
    static float[] gaussianKernel(int ksize, double sigma) {
        double[] k = new double[ksize];
        double sum = 0;
        for (int i = 0; i < ksize; i++) {
            double d = i - (ksize - 1) * 0.5;
            k[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += k[i];
        }
        float[] out = new float[ksize];
        for (int i = 0; i < ksize; i++) {
            out[i] = (float) (k[i] / sum);
        }
        return out;
    }

    /** The same 1-D kernel along rows, then columns, with reflect-101 borders at the frame's edges. */
    static float[] separable(float[] plane, Rect r, int w, int h, float[] kernel) {
        if (kernel.length == 1) {
            return plane.clone();
        }
        return separable(plane, r, w, h, new Convolution(kernel, Math.max(r.width(), r.height())));
    }

    /**
     * One line of the convolution, run by run: a run of equal values v over kernel taps [a, b) adds
     * v·(P[b] - P[a]), P the kernel's prefix sums. A mask's lines are long runs of 0 and 1 with a narrow
     * fractional edge, so a window holds a few runs and the cost does not grow with the kernel size.
     * (OpenCV sums tap by tap; the results differ by float rounding.)
     */
    private static final class Convolution implements LineFilter {
        private final int taps;
        private final double[] prefix;
        private final float[] ext;
        private final int[] runEnd;

        Convolution(float[] kernel, int longest) {
            taps = kernel.length;
            prefix = new double[taps + 1];
            for (int t = 0; t < taps; t++) {
                prefix[t + 1] = prefix[t] + kernel[t];
            }
            ext = new float[longest + taps - 1];
            runEnd = new int[ext.length];
        }

        @Override
        public void apply(float[] in, int at, int n, int start, int length, float[] out, int outAt) {
            int radius = taps / 2;
            int m = n + 2 * radius;
            for (int i = 0; i < m; i++) {
                int q = start - radius + i;
                int p = (q < 0 || q >= length ? reflect101(q, length) : q) - start;
                ext[i] = p >= 0 && p < n ? in[at + p] : 0f;
            }
            runEnd[m - 1] = m;
            for (int i = m - 2; i >= 0; i--) {
                runEnd[i] = ext[i] == ext[i + 1] ? runEnd[i + 1] : i + 1;
            }
            for (int j = 0; j < n; j++) {
                int end = j + taps;
                if (runEnd[j] >= end) {
                    out[outAt + j] = ext[j];
                    continue;
                }
                double s = 0;
                for (int i = j; i < end; ) {
                    int e = Math.min(runEnd[i], end);
                    if (ext[i] != 0) {
                        s += ext[i] * (prefix[e - j] - prefix[i - j]);
                    }
                    i = e;
                }
                out[outAt + j] = (float) s;
            }
        }
    }

    /** OpenCV's BORDER_REFLECT_101 index: ... 2 1 | 0 1 2 ... n-1 | n-2 ... */
    static int reflect101(int p, int length) {
        if (length == 1) {
            return 0;
        }
        while (p < 0 || p >= length) {
            p = p < 0 ? -p : 2 * length - 2 - p;
        }
        return p;
    }
}
