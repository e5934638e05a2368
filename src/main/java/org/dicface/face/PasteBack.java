package org.dicface.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dicface.torch.Tensor;

/**
 * Composites restored faces into their frame at the frame's size: {@code out = m·face + (1 - m)·input},
 * with m the official soft square mask of the crop intersected with the face's landmark mask, and the
 * larger faces composited last (on top). Wherever m is 0 the output is the input, value for value. Only the
 * pixels each face covers are read and written, so the cost follows the faces' areas.
 */
public final class PasteBack {
    /** facexlib's bgr2gray weights, for a gray input. */
    private static final float R = 0.2989f, G = 0.5870f, B = 0.1140f;
    /** The official is_gray threshold on the mean variance of the channel differences, on 0-255. */
    private static final double GRAY_THRESHOLD = 10;
    private static final float[] ZERO = new float[3];

    private PasteBack() {
    }

    /**
     * A restored face ready to paste: the restored crop (RGB float32 [3, s, s] in [-1, 1]), the transform from
     * frame pixels to that crop (the one it was aligned with), and its landmark mask.
     */
    public record PlacedFace(Tensor crop, Similarity frameToCrop, FaceMask mask) {
        /** A placed face whose mask comes from its 68 landmarks in frame pixels. */
        public static PlacedFace of(Tensor crop, Similarity frameToCrop, Landmarks landmarks68) {
            return new PlacedFace(crop, frameToCrop, FaceMask.of(landmarks68, frameToCrop, Warp.cropSize(crop)));
        }

        /** The face's area in frame pixels. */
        double frameArea() {
            double side = mask.size() / frameToCrop.scale();
            return side * side;
        }
    }

    /** {@link #composite(Tensor, List, boolean)} with gray faces when the frame passes the official gray test. */
    public static Tensor composite(Tensor frame, List<PlacedFace> faces) {
        return composite(frame, faces, null);
    }

    /**
     * A new frame: {@code frame} (RGB float32 [3, H, W]) with every face composited, smaller faces first;
     * with {@code gray} each face is made gray (0.2989 R + 0.5870 G + 0.1140 B) before compositing. The frame
     * is copied to and from the Java heap once (plain memory copies); each face costs its own area.
     */
    public static Tensor composite(Tensor frame, List<PlacedFace> faces, boolean gray) {
        return composite(frame, faces, Boolean.valueOf(gray));
    }

    private static Tensor composite(Tensor frame, List<PlacedFace> faces, Boolean gray) {
        int w = Warp.width(frame);
        int h = Warp.height(frame);
        float[] px = frame.toFloatArray();
        boolean toGray = gray != null ? gray : !faces.isEmpty() && isGray(px, w * h);
        List<PlacedFace> order = new ArrayList<>(faces);
        order.sort(Comparator.comparingDouble(PlacedFace::frameArea));
        for (PlacedFace face : order) {
            paste(px, face, w, h, toGray);
        }
        return Tensor.of(px, 3, h, w);
    }

    /** The face's final soft mask in frame pixels: min(official square mask, landmark mask). */
    public static Patch mask(PlacedFace face, int frameWidth, int frameHeight) {
        int size = Warp.cropSize(face.crop());
        if (face.mask().size() != size) {
            throw new IllegalArgumentException("the face mask is for " + face.mask().size() + " px crops, the crop is "
                    + size + " px");
        }
        Patch square = SquareMask.inFrame(face.frameToCrop(), size, frameWidth, frameHeight);
        Rect r = square.rect();
        float[] m = square.data();
        Similarity s = face.frameToCrop();
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        for (int row = 0; row < r.height(); row++) {
            for (int col = 0; col < r.width(); col++) {
                int i = row * r.width() + col;
                if (m[i] > 0) {
                    int x = r.x() + col;
                    int y = r.y() + row;
                    m[i] = Math.min(m[i], face.mask().at(s.applyX(x, y), s.applyY(x, y)));
                }
                if (m[i] > 0) {
                    minX = Math.min(minX, col);
                    maxX = Math.max(maxX, col);
                    minY = Math.min(minY, row);
                    maxY = Math.max(maxY, row);
                }
            }
        }
        if (maxX < 0) {
            return new Patch(Rect.EMPTY, 1, new float[0]);
        }
        Rect tight = new Rect(r.x() + minX, r.y() + minY, maxX - minX + 1, maxY - minY + 1);
        float[] t = new float[tight.width() * tight.height()];
        for (int row = 0; row < tight.height(); row++) {
            System.arraycopy(m, (row + minY) * r.width() + minX, t, row * tight.width(), tight.width());
        }
        return new Patch(tight, 1, t);
    }

    /** Composites one face into the planar frame {@code px} in place, over the pixels its mask covers. */
    private static void paste(float[] px, PlacedFace face, int w, int h, boolean gray) {
        Patch mask = mask(face, w, h);
        if (mask.isEmpty()) {
            return;
        }
        Rect r = mask.rect();
        float[] m = mask.data();
        int size = face.mask().size();
        float[] crop = face.crop().toFloatArray();
        int n = w * h;
        float[] f = new float[3];
        Similarity s = face.frameToCrop();
        for (int row = 0; row < r.height(); row++) {
            for (int col = 0; col < r.width(); col++) {
                float a = m[row * r.width() + col];
                if (a == 0) {
                    continue;
                }
                int x = r.x() + col;
                int y = r.y() + row;
                Warp.sample3(crop, size, size, s.applyX(x, y), s.applyY(x, y), ZERO, f, 0, 1);
                if (gray) {
                    // the weights apply to intensities in [0, 1], not to [-1, 1] values
                    float g = R * (f[0] + 1) + G * (f[1] + 1) + B * (f[2] + 1) - 1;
                    f[0] = f[1] = f[2] = g;
                }
                int i = y * w + x;
                for (int c = 0; c < 3; c++) {
                    px[c * n + i] = a * f[c] + (1 - a) * px[c * n + i];
                }
            }
        }
    }

    /**
     * The official is_gray test on the frame quantised to 0-255 as frames are saved: the mean over the three
     * channel pairs of the variance of their difference is at most 10.
     */
    public static boolean isGray(Tensor frame) {
        return isGray(frame.toFloatArray(), Warp.width(frame) * Warp.height(frame));
    }

    private static boolean isGray(float[] px, int n) {
        long s1 = 0, s2 = 0, q1 = 0, q2 = 0, q3 = 0;
        for (int from = 0; from < n; from += 4096) { // int sums within a block cannot overflow: 4096·255² < 2³¹
            int to = Math.min(n, from + 4096);
            int a1 = 0, a2 = 0, b1 = 0, b2 = 0, b3 = 0;
            for (int i = from; i < to; i++) {
                int r = quantise(px[i]);
                int g = quantise(px[n + i]);
                int b = quantise(px[2 * n + i]);
                int d1 = r - g;
                int d2 = g - b;
                int d3 = b - r;
                a1 += d1;
                a2 += d2;
                b1 += d1 * d1;
                b2 += d2 * d2;
                b3 += d3 * d3;
            }
            s1 += a1;
            s2 += a2;
            q1 += b1;
            q2 += b2;
            q3 += b3;
        }
        // the three differences sum to 0, so the third's sum is -(s1 + s2)
        double mean = (variance(s1, q1, n) + variance(s2, q2, n) + variance(-(s1 + s2), q3, n)) / 3;
        return mean <= GRAY_THRESHOLD;
    }

    private static double variance(long sum, long squares, int n) {
        double m = (double) sum / n;
        return (double) squares / n - m * m;
    }

    /** As frames are saved: clamp to [-1, 1], then round((v + 1)·127.5). */
    private static int quantise(float v) {
        float c = Math.max(-1f, Math.min(1f, v));
        return (int) ((c + 1) * 127.5f + 0.5f); // ties round up (the frame writer rounds them to even): immaterial to the test
    }
}
