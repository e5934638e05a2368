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
        int anchor = k / 2;
        float[] tmp = new float[plane.length];
        float[] line = new float[Math.max(r.width(), r.height())];
        float[] out = new float[line.length];
        for (int row = 0; row < r.height(); row++) {
            System.arraycopy(plane, row * r.width(), line, 0, r.width());
            erodeLine(line, r.width(), r.x(), w, k, anchor, out);
            System.arraycopy(out, 0, tmp, row * r.width(), r.width());
        }
        float[] result = new float[plane.length];
        for (int col = 0; col < r.width(); col++) {
            for (int row = 0; row < r.height(); row++) {
                line[row] = tmp[row * r.width() + col];
            }
            erodeLine(line, r.height(), r.y(), h, k, anchor, out);
            for (int row = 0; row < r.height(); row++) {
                result[row * r.width() + col] = out[row];
            }
        }
        return result;
    }

    /** Van Herk / Gil-Werman running minimum: three comparisons per pixel whatever the kernel size. */
    private static void erodeLine(float[] line, int n, int start, int length, int k, int anchor, float[] out) {
        int m = n + k - 1;
        float[] ext = new float[m];
        for (int i = 0; i < m; i++) {
            int p = start - anchor + i;
            int j = p - start;
            ext[i] = p < 0 || p >= length ? Float.POSITIVE_INFINITY : j >= 0 && j < n ? line[j] : 0f;
        }
        float[] g = new float[m];
        float[] hh = new float[m];
        for (int i = 0; i < m; i++) {
            g[i] = i % k == 0 ? ext[i] : Math.min(g[i - 1], ext[i]);
        }
        for (int i = m - 1; i >= 0; i--) {
            hh[i] = i == m - 1 || (i + 1) % k == 0 ? ext[i] : Math.min(hh[i + 1], ext[i]);
        }
        for (int j = 0; j < n; j++) {
            out[j] = Math.min(hh[j], g[j + k - 1]);
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
        float[] tmp = new float[plane.length];
        float[] line = new float[Math.max(r.width(), r.height())];
        float[] out = new float[line.length];
        for (int row = 0; row < r.height(); row++) {
            System.arraycopy(plane, row * r.width(), line, 0, r.width());
            convolveLine(line, r.width(), r.x(), w, kernel, out);
            System.arraycopy(out, 0, tmp, row * r.width(), r.width());
        }
        float[] result = new float[plane.length];
        for (int col = 0; col < r.width(); col++) {
            for (int row = 0; row < r.height(); row++) {
                line[row] = tmp[row * r.width() + col];
            }
            convolveLine(line, r.height(), r.y(), h, kernel, out);
            for (int row = 0; row < r.height(); row++) {
                result[row * r.width() + col] = out[row];
            }
        }
        return result;
    }

    /**
     * One line of the convolution. Where the kernel's whole window holds one value the result is that value
     * (OpenCV's differs from it by float rounding only): most of a mask is flat, so this keeps the cost
     * near the mask's edges instead of growing with the kernel size over the whole face.
     */
    private static void convolveLine(float[] line, int n, int start, int length, float[] kernel, float[] out) {
        int radius = kernel.length / 2;
        int m = n + 2 * radius;
        float[] ext = new float[m];
        for (int i = 0; i < m; i++) {
            int p = reflect101(start - radius + i, length) - start;
            ext[i] = p >= 0 && p < n ? line[p] : 0f;
        }
        int[] runEnd = new int[m];
        runEnd[m - 1] = m;
        for (int i = m - 2; i >= 0; i--) {
            runEnd[i] = ext[i] == ext[i + 1] ? runEnd[i + 1] : i + 1;
        }
        for (int j = 0; j < n; j++) {
            if (runEnd[j] >= j + kernel.length) {
                out[j] = ext[j];
                continue;
            }
            float s = 0;
            for (int t = 0; t < kernel.length; t++) {
                s += kernel[t] * ext[j + t];
            }
            out[j] = s;
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
