package org.dicface.face.scenes;

import org.dicface.face.Box;
import org.dicface.face.Landmarks;

/**
 * A similarity transform of the plane (scale, rotation, translation), in pixel-centre coordinates:
 * {@code x' = a x - b y + tx}, {@code y' = b x + a y + ty}, so {@code a = s cos θ}, {@code b = s sin θ}
 * (θ clockwise on screen, as y points down).
 */
public record Similarity(double a, double b, double tx, double ty) {
    public static final Similarity IDENTITY = new Similarity(1, 0, 0, 0);

    /** The transform that scales by {@code scale} and turns by {@code degrees} about {@code (px, py)}, then moves it to {@code (x, y)}. */
    public static Similarity about(double px, double py, double scale, double degrees, double x, double y) {
        double t = Math.toRadians(degrees);
        double a = scale * Math.cos(t);
        double b = scale * Math.sin(t);
        return new Similarity(a, b, x - (a * px - b * py), y - (b * px + a * py));
    }

    public double scale() {
        return Math.hypot(a, b);
    }

    public double degrees() {
        return Math.toDegrees(Math.atan2(b, a));
    }

    public double x(double x, double y) {
        return a * x - b * y + tx;
    }

    public double y(double x, double y) {
        return b * x + a * y + ty;
    }

    public Similarity inverse() {
        double d = a * a + b * b;
        double ia = a / d;
        double ib = -b / d;
        return new Similarity(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
    }

    /** This transform after {@code first}. */
    public Similarity after(Similarity first) {
        return new Similarity(a * first.a - b * first.b, b * first.a + a * first.b, x(first.tx, first.ty), y(first.tx, first.ty));
    }

    public Landmarks apply(Landmarks points) {
        double[] xy = points.xy();
        for (int i = 0; i < xy.length; i += 2) {
            double x = xy[i];
            double y = xy[i + 1];
            xy[i] = x(x, y);
            xy[i + 1] = y(x, y);
        }
        return new Landmarks(xy);
    }

    /** The axis-aligned bounds of the transformed box (a rotated box's corners). */
    public Box apply(Box box) {
        double[] cx = {box.x(), box.x() + box.width()};
        double[] cy = {box.y(), box.y() + box.height()};
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (double u : cx) {
            for (double v : cy) {
                x0 = Math.min(x0, x(u, v));
                x1 = Math.max(x1, x(u, v));
                y0 = Math.min(y0, y(u, v));
                y1 = Math.max(y1, y(u, v));
            }
        }
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }
}
