package org.dicface.face;

import java.util.Arrays;

/**
 * Points on a face in frame pixels (pixel centres at integer coordinates), stored x0, y0, x1, y1, ...:
 * the 68 points of the landmark network (iBUG 300-W order) or the 5 alignment points in the template's order
 * (image-left eye, image-right eye, nose tip, image-left mouth corner, image-right mouth corner).
 */
public record Landmarks(double[] xy) {
    public static final int FULL = 68;
    public static final int ALIGNMENT = 5;

    public Landmarks {
        if (xy.length == 0 || xy.length % 2 != 0) {
            throw new IllegalArgumentException("landmarks need x, y pairs, got " + xy.length + " values");
        }
        for (double v : xy) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("a landmark coordinate is not finite: " + v);
            }
        }
        xy = xy.clone();
    }

    public int count() {
        return xy.length / 2;
    }

    public double x(int i) {
        return xy[2 * i];
    }

    public double y(int i) {
        return xy[2 * i + 1];
    }

    @Override
    public double[] xy() {
        return xy.clone();
    }

    /**
     * The 5 alignment points from the 68: each eye's centre is the mean of its six points (36-41 and 42-47),
     * the nose tip is point 30, the mouth corners are points 48 and 54.
     */
    public Landmarks alignmentPoints() {
        if (count() != FULL) {
            throw new IllegalStateException("the alignment points come from 68 landmarks, these are " + count());
        }
        double[] five = new double[2 * ALIGNMENT];
        mean(36, 42, five, 0);
        mean(42, 48, five, 1);
        copy(30, five, 2);
        copy(48, five, 3);
        copy(54, five, 4);
        return new Landmarks(five);
    }

    /** The root-mean-square distance between corresponding points. */
    public double rmsDistance(Landmarks other) {
        if (other.count() != count()) {
            throw new IllegalArgumentException(count() + " points against " + other.count());
        }
        double sum = 0;
        for (int i = 0; i < xy.length; i++) {
            double d = xy[i] - other.xy[i];
            sum += d * d;
        }
        return Math.sqrt(sum / count());
    }

    private void mean(int from, int to, double[] out, int at) {
        double sx = 0;
        double sy = 0;
        for (int i = from; i < to; i++) {
            sx += x(i);
            sy += y(i);
        }
        out[2 * at] = sx / (to - from);
        out[2 * at + 1] = sy / (to - from);
    }

    private void copy(int i, double[] out, int at) {
        out[2 * at] = x(i);
        out[2 * at + 1] = y(i);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Landmarks l && Arrays.equals(xy, l.xy);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(xy);
    }

    @Override
    public String toString() {
        return "Landmarks" + Arrays.toString(xy);
    }
}
