package org.dicface.face;

/**
 * Smooths one track's landmarks over time. The input holds one row per consecutive frame of the track (all
 * inside one shot), each row the x0, y0, x1, y1, ... of that frame's points; the result has the same shape.
 */
public interface LandmarkSmoother {
    double[][] smooth(double[][] points);

    /** No smoothing: the points as given (interpolated where the detector missed). */
    LandmarkSmoother NONE = points -> {
        double[][] out = new double[points.length][];
        for (int t = 0; t < points.length; t++) {
            out[t] = points[t].clone();
        }
        return out;
    };
}
