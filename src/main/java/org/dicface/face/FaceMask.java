package org.dicface.face;

/**
 * The face's own mask from its 68 landmarks (iBUG order), in the aligned crop's coordinates: the polygon of
 * the jaw line (0-16) closed over the brows (26-17) raised by {@link #FOREHEAD} of the eye-chin distance,
 * filled, then feathered as the official parsing mask is (Gaussian σ 11 px twice, a 10 px border set to 0,
 * both in 512-crop pixels).
 *
 * <p>It is built in crop coordinates because the aligned face is upright and of one size there: the
 * feather is the same fraction of every face, as the official parsing mask's is, the forehead is raised
 * along the face's own up direction, and the cost is fixed per face whatever its size in the frame. It
 * follows the landmarks it is given (the smoothed ones) through the same transform as the crop. The mask is
 * smooth, so it is held on a {@value #GRID}-pixel grid over the crop and sampled bilinearly.
 */
public final class FaceMask {
    /** How far the brows are raised to cover the forehead, as a fraction of the eye-chin distance. */
    public static final double FOREHEAD = 0.4;
    static final int GRID = 128;

    private final float[] grid;
    private final int size;

    private FaceMask(float[] grid, int size) {
        this.grid = grid;
        this.size = size;
    }

    /** The mask of a face whose 68 landmarks are in frame pixels, for the {@code size} crop of {@code frameToCrop}. */
    public static FaceMask of(Landmarks landmarks68, Similarity frameToCrop, int size) {
        return inCrop(frameToCrop.apply(landmarks68), size);
    }

    /** The mask of a face whose 68 landmarks are in the {@code size}×{@code size} crop's pixels. */
    public static FaceMask inCrop(Landmarks crop68, int size) {
        if (crop68.count() != Landmarks.FULL) {
            throw new IllegalArgumentException("the face mask is made from 68 landmarks, got " + crop68.count());
        }
        if (size < 1) {
            throw new IllegalArgumentException("the crop size must be positive, got " + size);
        }
        double toGrid = (double) GRID / size;
        double[] polygon = outline(crop68);
        for (int i = 0; i < polygon.length; i++) {
            polygon[i] = (polygon[i] + 0.5) * toGrid - 0.5;
        }
        float[] mask = fill(polygon, GRID);
        double official = (double) GRID / FaceTemplate.SIZE;
        float[] kernel = Filters.gaussianKernel(2 * (int) Math.round(50 * official) + 1, 11 * official);
        Rect all = new Rect(0, 0, GRID, GRID);
        mask = Filters.separable(Filters.separable(mask, all, GRID, GRID, kernel), all, GRID, GRID, kernel);
        int border = (int) Math.round(10 * official);
        for (int y = 0; y < GRID; y++) {
            for (int x = 0; x < GRID; x++) {
                if (x < border || y < border || x >= GRID - border || y >= GRID - border) {
                    mask[y * GRID + x] = 0;
                }
            }
        }
        return new FaceMask(mask, size);
    }

    /** The crop size this mask belongs to. */
    public int size() {
        return size;
    }

    /** The mask at crop coordinates (u, v), in [0, 1]; 0 outside the crop. */
    public float at(double u, double v) {
        double s = (double) GRID / size;
        return Warp.sample(grid, 0, GRID, GRID, (u + 0.5) * s - 0.5, (v + 0.5) * s - 0.5, 0f);
    }

    /**
     * The closed outline, x, y pairs: jaw 0 to 16, then the brows from 26 back to 17, each moved by
     * {@link #FOREHEAD}·|eyes - chin| from the chin towards the eyes.
     */
    static double[] outline(Landmarks p) {
        double ex = 0, ey = 0;
        for (int i = 36; i < 48; i++) {
            ex += p.x(i) / 12;
            ey += p.y(i) / 12;
        }
        double upX = ex - p.x(8);
        double upY = ey - p.y(8);
        double[] xy = new double[2 * 27];
        int k = 0;
        for (int i = 0; i <= 16; i++) {
            xy[k++] = p.x(i);
            xy[k++] = p.y(i);
        }
        for (int i = 26; i >= 17; i--) {
            xy[k++] = p.x(i) + FOREHEAD * upX;
            xy[k++] = p.y(i) + FOREHEAD * upY;
        }
        return xy;
    }

    /** The polygon filled at pixel centres (even-odd rule) on an n×n grid: 1 inside, 0 outside. */
    static float[] fill(double[] polygon, int n) {
        float[] out = new float[n * n];
        int points = polygon.length / 2;
        double[] crossings = new double[points];
        for (int y = 0; y < n; y++) {
            int c = 0;
            for (int i = 0; i < points; i++) {
                int j = (i + 1) % points;
                double y0 = polygon[2 * i + 1];
                double y1 = polygon[2 * j + 1];
                if ((y0 <= y && y < y1) || (y1 <= y && y < y0)) {
                    double t = (y - y0) / (y1 - y0);
                    crossings[c++] = polygon[2 * i] + t * (polygon[2 * j] - polygon[2 * i]);
                }
            }
            java.util.Arrays.sort(crossings, 0, c);
            for (int i = 0; i + 1 < c; i += 2) {
                int from = (int) Math.max(0, Math.ceil(crossings[i]));
                int to = (int) Math.min(n, Math.ceil(crossings[i + 1]));
                for (int x = from; x < to; x++) {
                    out[y * n + x] = 1;
                }
            }
        }
        return out;
    }
}
