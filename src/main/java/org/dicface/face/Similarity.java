package org.dicface.face;

/**
 * A similarity transform without reflection, as OpenCV's 2×3 matrix
 * {@code [[a, -b, tx], [b, a, ty]]}: {@code x' = a·x - b·y + tx}, {@code y' = b·x + a·y + ty}, with
 * scale {@code hypot(a, b)} and rotation {@code atan2(b, a)}.
 */
public record Similarity(double a, double b, double tx, double ty) {
    public static final Similarity IDENTITY = new Similarity(1, 0, 0, 0);

    public Similarity {
        if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(tx) || !Double.isFinite(ty)) {
            throw new IllegalArgumentException("not a finite transform: " + a + ", " + b + ", " + tx + ", " + ty);
        }
    }

    /** Scale, then rotation by {@code theta} radians (with y pointing down, positive turns clockwise on screen), then translation. */
    public static Similarity of(double scale, double theta, double tx, double ty) {
        return new Similarity(scale * Math.cos(theta), scale * Math.sin(theta), tx, ty);
    }

    public double scale() {
        return Math.hypot(a, b);
    }

    /** The rotation angle in radians, in (-π, π]. */
    public double rotation() {
        return Math.atan2(b, a);
    }

    public double applyX(double x, double y) {
        return a * x - b * y + tx;
    }

    public double applyY(double x, double y) {
        return b * x + a * y + ty;
    }

    /** The points mapped by this transform. */
    public Landmarks apply(Landmarks points) {
        double[] xy = points.xy();
        for (int i = 0; i < xy.length; i += 2) {
            double x = xy[i];
            double y = xy[i + 1];
            xy[i] = applyX(x, y);
            xy[i + 1] = applyY(x, y);
        }
        return new Landmarks(xy);
    }

    /** The inverse transform; fails for a degenerate (zero-scale) one. */
    public Similarity inverse() {
        double d = a * a + b * b;
        if (!(d > 0)) {
            throw new IllegalStateException("a zero-scale transform has no inverse");
        }
        double ia = a / d;
        double ib = -b / d;
        return new Similarity(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
    }

    /** {@code this ∘ first}: applies {@code first}, then this. */
    public Similarity compose(Similarity first) {
        return new Similarity(a * first.a - b * first.b, b * first.a + a * first.b,
                applyX(first.tx, first.ty), applyY(first.tx, first.ty));
    }

    /** The 2×3 matrix, row-major, as OpenCV lays it out. */
    public double[] matrix() {
        return new double[] {a, -b, tx, b, a, ty};
    }
}
