package org.dicface.face;

/**
 * The default landmark smoothing: each frame's points are split into a similarity pose (scale, rotation and
 * the centroid's translation, fitted by least squares to the track's mean shape) and what remains (the face's
 * own deformation: mouth, brows, expression, and most of the detector's noise, in the face's own frame).
 * The pose is fitted over all the points, so it is already far less noisy than any one point; a short
 * Savitzky-Golay filter then removes the rest of its jitter while keeping pans, zooms and turns (a polynomial
 * trend passes unchanged, so there is no lag). The deformation moves less with the camera and carries most of
 * the per-point noise, so it gets a longer Gaussian. Alignment follows the pose, and the paste-back mask
 * (from the 68 points) moves with the face.
 */
public record PoseSmoother(SavitzkyGolay pose, OfficialGaussian deformation) implements LandmarkSmoother {
    /**
     * Savitzky-Golay of degree 4 over 15 frames for the pose, a Gaussian of sigma 5 frames for the deformation:
     * the best of the settings tried on the moving clip of scripts/bench-tracking at 1 % and 2 % landmark noise.
     */
    public static final PoseSmoother DEFAULT = new PoseSmoother(new SavitzkyGolay(7, 4), new OfficialGaussian(5));

    @Override
    public double[][] smooth(double[][] points) {
        int n = points.length;
        if (n < 3) {
            return LandmarkSmoother.NONE.smooth(points);
        }
        int count = points[0].length / 2;
        double[] mean = meanShape(points, count);
        double[] logScale = new double[n];
        double[] angle = new double[n];
        double[] cx = new double[n];
        double[] cy = new double[n];
        double[][] deform = new double[n][2 * count];
        for (int t = 0; t < n; t++) {
            double[] p = points[t];
            double[] c = centroid(p, count);
            double[] a = fit(mean, p, c, count);
            double s = Math.hypot(a[0], a[1]);
            if (!(s > 1e-9 && s < 1e9)) {
                // points collapsed to one place: no pose to speak of, smooth the coordinates instead
                return deformation.smooth(points);
            }
            logScale[t] = Math.log(s);
            double theta = Math.atan2(a[1], a[0]);
            if (t > 0) {
                // unwrap, so that a turn through +-pi is smoothed as the continuous turn it is
                theta += 2 * Math.PI * Math.round((angle[t - 1] - theta) / (2 * Math.PI));
            }
            angle[t] = theta;
            cx[t] = c[0];
            cy[t] = c[1];
            // the deformation in the face's frame: (p - c) / a - mean
            double ir = a[0] / (s * s);
            double ii = -a[1] / (s * s);
            for (int i = 0; i < count; i++) {
                double dx = p[2 * i] - c[0];
                double dy = p[2 * i + 1] - c[1];
                deform[t][2 * i] = dx * ir - dy * ii - mean[2 * i];
                deform[t][2 * i + 1] = dx * ii + dy * ir - mean[2 * i + 1];
            }
        }
        logScale = pose.filter(logScale);
        angle = pose.filter(angle);
        cx = pose.filter(cx);
        cy = pose.filter(cy);
        deform = deformation.smooth(deform);
        double[][] out = new double[n][2 * count];
        for (int t = 0; t < n; t++) {
            double s = Math.exp(logScale[t]);
            double ar = s * Math.cos(angle[t]);
            double ai = s * Math.sin(angle[t]);
            for (int i = 0; i < count; i++) {
                double mx = mean[2 * i] + deform[t][2 * i];
                double my = mean[2 * i + 1] + deform[t][2 * i + 1];
                out[t][2 * i] = cx[t] + ar * mx - ai * my;
                out[t][2 * i + 1] = cy[t] + ai * mx + ar * my;
            }
        }
        return out;
    }

    /** The track's mean shape, centred: the first frame's shape, then the mean of all frames aligned to it. */
    private static double[] meanShape(double[][] points, int count) {
        double[] first = centred(points[0], count);
        double[] mean = new double[2 * count];
        for (double[] p : points) {
            double[] c = centroid(p, count);
            double[] a = fit(first, p, c, count);
            double s2 = a[0] * a[0] + a[1] * a[1];
            double ir = a[0] / s2;
            double ii = -a[1] / s2;
            for (int i = 0; i < count; i++) {
                double dx = p[2 * i] - c[0];
                double dy = p[2 * i + 1] - c[1];
                mean[2 * i] += (dx * ir - dy * ii) / points.length;
                mean[2 * i + 1] += (dx * ii + dy * ir) / points.length;
            }
        }
        return mean;
    }

    /**
     * The complex factor a (scale and rotation) of the least-squares fit p ~ a m + c for a centred shape m,
     * as {re, im}: a = sum conj(m)(p - c) / sum |m|^2.
     */
    private static double[] fit(double[] m, double[] p, double[] c, int count) {
        double re = 0;
        double im = 0;
        double norm = 0;
        for (int i = 0; i < count; i++) {
            double mx = m[2 * i];
            double my = m[2 * i + 1];
            double px = p[2 * i] - c[0];
            double py = p[2 * i + 1] - c[1];
            re += mx * px + my * py;
            im += mx * py - my * px;
            norm += mx * mx + my * my;
        }
        if (!(norm > 0)) {
            return new double[] {1, 0};
        }
        return new double[] {re / norm, im / norm};
    }

    private static double[] centroid(double[] p, int count) {
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < count; i++) {
            sx += p[2 * i];
            sy += p[2 * i + 1];
        }
        return new double[] {sx / count, sy / count};
    }

    private static double[] centred(double[] p, int count) {
        double[] c = centroid(p, count);
        double[] out = new double[2 * count];
        for (int i = 0; i < count; i++) {
            out[2 * i] = p[2 * i] - c[0];
            out[2 * i + 1] = p[2 * i + 1] - c[1];
        }
        return out;
    }
}
