package org.dicface.face;

/**
 * Savitzky-Golay smoothing of a series: each sample is replaced by the value at that sample of the
 * least-squares polynomial of degree {@code order} fitted to the {@code 2 halfWindow + 1} samples around it.
 * A polynomial trend (a steady pan, a zoom, an acceleration for order 2) passes unchanged, which is why it
 * lags less than a Gaussian of the same noise reduction. Near the ends the window is shifted to stay inside the
 * series (scipy's mode 'interp'); a series shorter than the window is fitted whole, and one with no more
 * samples than the order is returned as it is.
 */
public record SavitzkyGolay(int halfWindow, int order) {
    public SavitzkyGolay {
        if (halfWindow < 1 || halfWindow > 1000 || order < 0 || order > 6 || order > 2 * halfWindow) {
            throw new IllegalArgumentException("a Savitzky-Golay filter needs 1 <= halfWindow <= 1000 and "
                    + "0 <= order <= min(6, 2 halfWindow), not halfWindow " + halfWindow + ", order " + order);
        }
    }

    public double[] filter(double[] y) {
        int n = y.length;
        double[] out = new double[n];
        int width = Math.min(2 * halfWindow + 1, n);
        int degree = Math.min(order, width - 1);
        if (degree == width - 1) {
            // the polynomial goes through every sample
            return y.clone();
        }
        for (int t = 0; t < n; t++) {
            int from = Math.max(0, Math.min(t - halfWindow, n - width));
            out[t] = fitAt(y, from, width, t, degree);
        }
        return out;
    }

    /** The value at {@code t} of the least-squares polynomial through y[from, from + width). */
    private static double fitAt(double[] y, int from, int width, int t, int degree) {
        int k = degree + 1;
        double scale = Math.max(1, width / 2.0);
        double[][] a = new double[k][k + 1];
        for (int j = from; j < from + width; j++) {
            double x = (j - t) / scale;
            double[] powers = new double[2 * k - 1];
            powers[0] = 1;
            for (int p = 1; p < powers.length; p++) {
                powers[p] = powers[p - 1] * x;
            }
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    a[r][c] += powers[r + c];
                }
                a[r][k] += powers[r] * y[j];
            }
        }
        // x is measured from t, so the fitted value at t is the constant coefficient
        return solve(a)[0];
    }

    /** Gaussian elimination with partial pivoting on an augmented k x (k + 1) system. */
    private static double[] solve(double[][] a) {
        int k = a.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = col + 1; r < k; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= k; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] x = new double[k];
        for (int r = k - 1; r >= 0; r--) {
            double s = a[r][k];
            for (int c = r + 1; c < k; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
