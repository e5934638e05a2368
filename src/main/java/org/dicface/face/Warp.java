package org.dicface.face;

import org.dicface.torch.Tensor;

/**
 * The warps between a frame and the model's aligned crop, as OpenCV's {@code warpAffine} samples:
 * {@code dst(x, y) = src(M⁻¹·(x, y))}, bilinear, pixel centres at integer coordinates, a tap outside the
 * source taking the border value. Sample coordinates are exact (OpenCV rounds them to 1/32 px). Both warps
 * touch only the pixels the crop covers, so their cost follows the face, not the frame.
 */
public final class Warp {
    /** The official border colour, (135, 133, 132) in BGR, as RGB in [-1, 1]. */
    private static final float[] BORDER = {132 / 127.5f - 1, 133 / 127.5f - 1, 135 / 127.5f - 1};

    private static final float[] ZERO = new float[3];

    private Warp() {
    }

    /** The border colour of channel {@code c} (R, G, B) of an aligned crop. */
    public static float border(int c) {
        return BORDER[c];
    }

    /**
     * The {@code size}×{@code size} aligned crop of {@code frame} (RGB float32 [3, H, W]):
     * {@code crop(u, v) = frame(frameToCrop⁻¹·(u, v))}, with the official border colour outside the frame.
     */
    public static Tensor align(Tensor frame, Similarity frameToCrop, int size) {
        int w = width(frame);
        int h = height(frame);
        if (size < 1) {
            throw new IllegalArgumentException("the crop size must be positive, got " + size);
        }
        Similarity inv = frameToCrop.inverse();
        Rect rows = sourceOf(inv, size, w, h);
        // whole rows: one contiguous block per channel, copied without a libtorch kernel
        Rect src = rows.isEmpty() ? rows : new Rect(0, rows.y(), w, rows.height());
        float[] region = src.isEmpty() ? new float[0] : FrameRegions.readRows(frame, src.y(), src.height());
        int n = size * size;
        float[] out = new float[3 * n];
        for (int v = 0; v < size; v++) {
            double x = inv.applyX(0, v) - src.x();
            double y = inv.applyY(0, v) - src.y();
            for (int u = 0; u < size; u++, x += inv.a(), y += inv.b()) {
                sample3(region, src.width(), src.height(), x, y, BORDER, out, v * size + u, n);
            }
        }
        return Tensor.of(out, 3, size, size);
    }

    /**
     * A crop (RGB float32 [3, s, s]) warped back into a {@code frameWidth}×{@code frameHeight} frame over the
     * pixels it covers: {@code out(x, y) = crop(frameToCrop·(x, y))}, 0 where a tap falls outside the crop.
     */
    public static Patch toFrame(Tensor crop, Similarity frameToCrop, int frameWidth, int frameHeight) {
        int size = cropSize(crop);
        float[] src = crop.toFloatArray();
        Rect r = Rect.footprint(frameToCrop, size, frameWidth, frameHeight);
        int n = r.width() * r.height();
        float[] out = new float[3 * n];
        for (int row = 0; row < r.height(); row++) {
            for (int col = 0; col < r.width(); col++) {
                int x = r.x() + col;
                int y = r.y() + row;
                sample3(src, size, size, frameToCrop.applyX(x, y), frameToCrop.applyY(x, y), ZERO, out,
                        row * r.width() + col, n);
            }
        }
        return new Patch(r, 3, out);
    }

    /** The frame pixels the bilinear taps of a {@code size} crop reach, through {@code cropToFrame}. */
    private static Rect sourceOf(Similarity cropToFrame, int size, int w, int h) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int corner = 0; corner < 4; corner++) {
            double u = (corner & 1) == 0 ? 0 : size - 1;
            double v = (corner & 2) == 0 ? 0 : size - 1;
            minX = Math.min(minX, cropToFrame.applyX(u, v));
            maxX = Math.max(maxX, cropToFrame.applyX(u, v));
            minY = Math.min(minY, cropToFrame.applyY(u, v));
            maxY = Math.max(maxY, cropToFrame.applyY(u, v));
        }
        return Rect.clip(bound(Math.floor(minX) - 1), bound(Math.floor(minY) - 1), bound(Math.floor(maxX) + 3),
                bound(Math.floor(maxY) + 3), w, h);
    }

    private static long bound(double v) {
        return (long) Math.max(-1e15, Math.min(1e15, v));
    }

    /**
     * {@link #sample} of the three planes of {@code src} ({@code w}×{@code h} each) at (x, y) with one set of
     * weights, into {@code out[at]}, {@code out[at + stride]}, {@code out[at + 2·stride]}.
     */
    static void sample3(float[] src, int w, int h, double x, double y, float[] border, float[] out, int at,
            int stride) {
        int plane = w * h;
        if (!(x > -1 && y > -1 && x < w && y < h)) {
            out[at] = border[0];
            out[at + stride] = border[1];
            out[at + 2 * stride] = border[2];
            return;
        }
        x = snap(x);
        y = snap(y);
        int x0 = (int) (x + 1) - 1; // floor, as x > -1
        int y0 = (int) (y + 1) - 1;
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        for (int c = 0; c < 3; c++) {
            out[at + c * stride] = bilinear(src, c * plane, w, h, x0, y0, fx, fy, border[c]);
        }
    }

    private static double snap(double v) {
        double r = Math.rint(v);
        return Math.abs(v - r) < 1e-9 ? r : v;
    }

    /**
     * Bilinear sample of the {@code w}×{@code h} plane at {@code off} in {@code src} at (x, y); taps outside it
     * are {@code border}. A coordinate within 1e-9 of an integer is that integer, so that exact transforms
     * (shifts, scales by powers of two) give exact pixels despite rounding in the transform.
     */
    static float sample(float[] src, int off, int w, int h, double x, double y, float border) {
        if (!(x > -1 && y > -1 && x < w && y < h)) {
            return border;
        }
        x = snap(x);
        y = snap(y);
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        return bilinear(src, off, w, h, x0, y0, (float) (x - x0), (float) (y - y0), border);
    }

    /** The four taps right of and below (x0, y0), weighted by (fx, fy); taps outside the plane are {@code border}. */
    private static float bilinear(float[] src, int off, int w, int h, int x0, int y0, float fx, float fy, float border) {
        float p00, p10, p01, p11;
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
            int i = off + y0 * w + x0;
            p00 = src[i];
            p10 = src[i + 1];
            p01 = src[i + w];
            p11 = src[i + w + 1];
        } else {
            p00 = tap(src, off, w, h, x0, y0, border);
            p10 = tap(src, off, w, h, x0 + 1, y0, border);
            p01 = tap(src, off, w, h, x0, y0 + 1, border);
            p11 = tap(src, off, w, h, x0 + 1, y0 + 1, border);
        }
        if (fx == 0 && fy == 0) {
            return p00;
        }
        return (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
    }

    private static float tap(float[] src, int off, int w, int h, int x, int y, float border) {
        return x >= 0 && y >= 0 && x < w && y < h ? src[off + y * w + x] : border;
    }

    static int width(Tensor frame) {
        checkFrame(frame);
        return Math.toIntExact(frame.size(2));
    }

    static int height(Tensor frame) {
        checkFrame(frame);
        return Math.toIntExact(frame.size(1));
    }

    private static void checkFrame(Tensor frame) {
        if (frame.dim() != 3 || frame.size(0) != 3) {
            throw new IllegalArgumentException("a frame is RGB [3, height, width], got "
                    + java.util.Arrays.toString(frame.shape()));
        }
    }

    static int cropSize(Tensor crop) {
        checkFrame(crop);
        if (crop.size(1) != crop.size(2)) {
            throw new IllegalArgumentException("an aligned crop is square, got "
                    + java.util.Arrays.toString(crop.shape()));
        }
        return Math.toIntExact(crop.size(1));
    }
}
