package org.dicface.face;

/**
 * The FFHQ 5-point template the model's crops are aligned to (facexlib's, for 512×512 crops), in the order
 * image-left eye, image-right eye, nose tip, image-left mouth corner, image-right mouth corner. Its
 * coordinates are OpenCV's: pixel centres at integer coordinates, so the crop spans [-0.5, 511.5].
 */
public final class FaceTemplate {
    /** The crop size the template coordinates were made for. */
    public static final int SIZE = 512;

    private static final double[] FFHQ_512 = {
        192.98138, 239.94708,
        318.90277, 240.1936,
        256.63416, 314.01935,
        201.26117, 371.41043,
        313.08905, 371.15118,
    };

    private FaceTemplate() {
    }

    /**
     * The template for {@code size}×{@code size} crops: the 512 template scaled about the crop's corner,
     * keeping pixel centres at integers ({@code p' = (p + 0.5)·size/512 - 0.5}, the mapping of an image
     * resize; facexlib multiplies by size/512 alone, which differs by {@code 0.5·(1 - size/512)} px and is the
     * same at 512).
     */
    public static Landmarks points(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("the crop size must be positive, got " + size);
        }
        double s = (double) size / SIZE;
        double[] xy = new double[FFHQ_512.length];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = (FFHQ_512[i] + 0.5) * s - 0.5;
        }
        return new Landmarks(xy);
    }

    /** The transform from frame pixels to the {@code size}×{@code size} crop, fitted robustly to 5 points. */
    public static Similarity alignment(Landmarks five, int size) {
        if (five.count() != Landmarks.ALIGNMENT) {
            throw new IllegalArgumentException("alignment takes the 5 template points, got " + five.count());
        }
        return SimilarityFit.robust(five, points(size));
    }
}
