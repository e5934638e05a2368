package org.dicface.face;

/**
 * The official soft mask of a pasted crop, in frame pixels (facexlib's paste_faces_to_input_image at
 * upscale 1): the crop's all-ones mask warped into the frame (bilinear, 0 outside), eroded by a 2×2 kernel;
 * {@code w_edge = floor(sqrt(area)) / 20} (integer division) from that mask's sum; eroded again by a
 * (2·w_edge)² kernel and blurred with a Gaussian of size 2·w_edge + 1 and σ from OpenCV's rule. With
 * w_edge = 0 (faces under 20 px) the second erosion and the blur are skipped. Computed over the crop's
 * footprint and a margin only, with the same result as over the whole frame.
 */
final class SquareMask {
    private SquareMask() {
    }

    static int wEdge(double area) {
        return (int) Math.sqrt(area) / 20;
    }

    static Patch inFrame(Similarity frameToCrop, int size, int w, int h) {
        Rect support = Rect.footprint(frameToCrop, size, w, h);
        if (support.isEmpty()) {
            return new Patch(Rect.EMPTY, 1, new float[0]);
        }
        // Every stage is 0 outside the footprint except the blur, which reaches at most one pixel past the
        // eroded mask's right and bottom edges (the even kernel's anchor): two pixels of margin hold it all.
        Rect r = support.grow(2, w, h);
        float[] ones = warpedOnes(frameToCrop, size, r);
        float[] eroded = Filters.erode(ones, r, w, h, 2);
        double area = 0;
        for (float v : eroded) {
            area += v;
        }
        int edge = wEdge(area);
        if (edge == 0) {
            return new Patch(r, 1, eroded);
        }
        float[] center = Filters.erode(eroded, r, w, h, 2 * edge);
        return new Patch(r, 1, Filters.gaussian(center, r, w, h, 2 * edge + 1));
    }

    /** warpAffine of a size×size plane of ones: the product of each axis's bilinear coverage. */
    private static float[] warpedOnes(Similarity frameToCrop, int size, Rect r) {
        float[] out = new float[r.width() * r.height()];
        for (int row = 0; row < r.height(); row++) {
            for (int col = 0; col < r.width(); col++) {
                int x = r.x() + col;
                int y = r.y() + row;
                double u = frameToCrop.applyX(x, y);
                double v = frameToCrop.applyY(x, y);
                out[row * r.width() + col] = coverage(u, size) * coverage(v, size);
            }
        }
        return out;
    }

    /** The weight of in-range taps of a bilinear sample at u on an axis of {@code size} pixels. */
    private static float coverage(double u, int size) {
        double c = Math.min(u + 1, size - u);
        return c <= 0 ? 0f : c >= 1 ? 1f : (float) c;
    }
}
