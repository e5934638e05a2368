package org.dicface.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dicface.torch.Scope;
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

    /** {@link #composite(Tensor, List, boolean)} with gray faces when {@link #isGray} holds for the frame. */
    public static Tensor composite(Tensor frame, List<PlacedFace> faces) {
        return composite(frame, faces, !faces.isEmpty() && isGray(frame));
    }

    /**
     * A new frame: {@code frame} (RGB float32 [3, H, W]) with every face composited, smaller faces first;
     * with {@code gray} each face is made gray (0.2989 R + 0.5870 G + 0.1140 B) before compositing.
     */
    public static Tensor composite(Tensor frame, List<PlacedFace> faces, boolean gray) {
        int w = Warp.width(frame);
        int h = Warp.height(frame);
        List<PlacedFace> order = new ArrayList<>(faces);
        order.sort(Comparator.comparingDouble(PlacedFace::frameArea));
        try (Scope scope = Scope.open()) {
            Tensor out = frame.contiguous().copy();
            for (PlacedFace face : order) {
                paste(out, face, w, h, gray);
            }
            return scope.keep(out);
        }
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

    private static void paste(Tensor out, PlacedFace face, int w, int h, boolean gray) {
        Patch mask = mask(face, w, h);
        if (mask.isEmpty()) {
            return;
        }
        Rect r = mask.rect();
        float[] m = mask.data();
        float[] pixels = FrameRegions.read(out, r);
        int size = face.mask().size();
        float[] crop = face.crop().toFloatArray();
        int n = r.width() * r.height();
        int plane = size * size;
        Similarity s = face.frameToCrop();
        for (int row = 0; row < r.height(); row++) {
            for (int col = 0; col < r.width(); col++) {
                int i = row * r.width() + col;
                float a = m[i];
                if (a == 0) {
                    continue;
                }
                int x = r.x() + col;
                int y = r.y() + row;
                double u = s.applyX(x, y);
                double v = s.applyY(x, y);
                float fr = Warp.sample(crop, 0, size, size, u, v, 0);
                float fg = Warp.sample(crop, plane, size, size, u, v, 0);
                float fb = Warp.sample(crop, 2 * plane, size, size, u, v, 0);
                if (gray) {
                    // the weights apply to intensities in [0, 1], not to [-1, 1] values
                    float g = R * (fr + 1) + G * (fg + 1) + B * (fb + 1) - 1;
                    fr = fg = fb = g;
                }
                pixels[i] = a * fr + (1 - a) * pixels[i];
                pixels[n + i] = a * fg + (1 - a) * pixels[n + i];
                pixels[2 * n + i] = a * fb + (1 - a) * pixels[2 * n + i];
            }
        }
        FrameRegions.write(out, r, pixels);
    }

    /**
     * The official is_gray test on the frame quantised to 0-255 as frames are saved: the mean over the three
     * channel pairs of the variance of their difference is at most 10.
     */
    public static boolean isGray(Tensor frame) {
        int w = Warp.width(frame);
        int h = Warp.height(frame);
        float[] px = frame.toFloatArray();
        int n = w * h;
        long s1 = 0, s2 = 0, s3 = 0, q1 = 0, q2 = 0, q3 = 0;
        for (int i = 0; i < n; i++) {
            int r = quantise(px[i]);
            int g = quantise(px[n + i]);
            int b = quantise(px[2 * n + i]);
            int d1 = r - g, d2 = g - b, d3 = b - r;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
        }
        double mean = (variance(s1, q1, n) + variance(s2, q2, n) + variance(s3, q3, n)) / 3;
        return mean <= GRAY_THRESHOLD;
    }

    private static double variance(long sum, long squares, int n) {
        double m = (double) sum / n;
        return (double) squares / n - m * m;
    }

    /** As frames are saved: clamp to [-1, 1], then round((v + 1)·127.5), ties to even. */
    private static int quantise(float v) {
        float c = Math.max(-1f, Math.min(1f, v));
        return (int) Math.rint((c + 1) * 127.5f);
    }
}
