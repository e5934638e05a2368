package org.dicface.face;

/**
 * Fits a {@link Similarity} mapping one set of points onto another: by least squares (the Umeyama solution
 * without reflection, which for a similarity is the linear least-squares fit of a, b, tx, ty), and robustly,
 * in the role of OpenCV's {@code estimateAffinePartial2D(from, to, method=LMEDS)}: least median of squares
 * over point pairs, then least squares on the inliers.
 */
public final class SimilarityFit {
    private SimilarityFit() {
    }

    /** The least-squares similarity taking {@code from} onto {@code to} (same number of points, at least 2). */
    public static Similarity leastSquares(Landmarks from, Landmarks to) {
        check(from, to);
        boolean[] all = new boolean[from.count()];
        java.util.Arrays.fill(all, true);
        return leastSquares(from, to, all);
    }

    /**
     * The robust similarity taking {@code from} onto {@code to}. Every pair of points (OpenCV draws random
     * pairs; for a few points all pairs are cheap and the result is deterministic) gives an exact similarity;
     * the one with the least median squared error wins. Points within OpenCV's LMedS threshold,
     * {@code max(2.5·1.4826·(1 + 5/(n - 2))·sqrt(median), 0.001)}, are the inliers, and the result is the
     * least-squares fit on them (OpenCV refines them with Levenberg-Marquardt, which converges to the same).
     */
    public static Similarity robust(Landmarks from, Landmarks to) {
        check(from, to);
        int n = from.count();
        if (n == 2) {
            return leastSquares(from, to);
        }
        double[] err = new double[n];
        double[] sorted = new double[n];
        double bestMedian = Double.POSITIVE_INFINITY;
        Similarity best = null;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (from.x(i) == from.x(j) && from.y(i) == from.y(j)) {
                    continue;
                }
                boolean[] pair = new boolean[n];
                pair[i] = true;
                pair[j] = true;
                Similarity s = leastSquares(from, to, pair);
                errors(s, from, to, err);
                System.arraycopy(err, 0, sorted, 0, n);
                java.util.Arrays.sort(sorted);
                double median = sorted[n / 2];
                if (median < bestMedian) {
                    bestMedian = median;
                    best = s;
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("all " + n + " points coincide: no transform fits them");
        }
        double sigma = Math.max(2.5 * 1.4826 * (1 + 5.0 / (n - 2)) * Math.sqrt(bestMedian), 0.001);
        errors(best, from, to, err);
        boolean[] inliers = new boolean[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            inliers[i] = err[i] <= sigma * sigma;
            count += inliers[i] ? 1 : 0;
        }
        return count >= 2 ? leastSquares(from, to, inliers) : best;
    }

    private static void check(Landmarks from, Landmarks to) {
        if (from.count() != to.count()) {
            throw new IllegalArgumentException("cannot fit " + from.count() + " points onto " + to.count());
        }
        if (from.count() < 2) {
            throw new IllegalArgumentException("a similarity needs at least 2 points, got " + from.count());
        }
    }

    private static void errors(Similarity s, Landmarks from, Landmarks to, double[] err) {
        for (int i = 0; i < err.length; i++) {
            double dx = s.applyX(from.x(i), from.y(i)) - to.x(i);
            double dy = s.applyY(from.x(i), from.y(i)) - to.y(i);
            err[i] = dx * dx + dy * dy;
        }
    }

    /** Closed form on the centred points: a = Σ(x·x' + y·y') / Σ(x² + y²), b = Σ(x·y' - y·x') / Σ(x² + y²). */
    private static Similarity leastSquares(Landmarks from, Landmarks to, boolean[] use) {
        double mx = 0, my = 0, nx = 0, ny = 0;
        int k = 0;
        for (int i = 0; i < use.length; i++) {
            if (use[i]) {
                mx += from.x(i);
                my += from.y(i);
                nx += to.x(i);
                ny += to.y(i);
                k++;
            }
        }
        mx /= k;
        my /= k;
        nx /= k;
        ny /= k;
        double ss = 0, sa = 0, sb = 0;
        for (int i = 0; i < use.length; i++) {
            if (use[i]) {
                double x = from.x(i) - mx;
                double y = from.y(i) - my;
                double u = to.x(i) - nx;
                double v = to.y(i) - ny;
                ss += x * x + y * y;
                sa += x * u + y * v;
                sb += x * v - y * u;
            }
        }
        if (!(ss > 0)) {
            throw new IllegalArgumentException("the points coincide: no transform fits them");
        }
        double a = sa / ss;
        double b = sb / ss;
        return new Similarity(a, b, nx - (a * mx - b * my), ny - (b * mx + a * my));
    }
}
