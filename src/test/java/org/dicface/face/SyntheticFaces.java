package org.dicface.face;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Faces with known motion for the tracking tests and the benchmark: a 68-point face shape (iBUG order) moved
 * by a known similarity per frame, with the mouth opening and closing, and detections made from it with
 * Gaussian landmark noise.
 */
public final class SyntheticFaces {
    private SyntheticFaces() {
    }

    /** A 68-point face in a unit box centred at 0 (x right, y down), roughly the iBUG 300-W layout. */
    public static double[] unitShape() {
        double[] p = new double[2 * 68];
        for (int i = 0; i <= 16; i++) { // jaw: chin at point 8
            double a = Math.PI * (1 - i / 16.0);
            set(p, i, 0.45 * Math.cos(a), 0.05 + 0.42 * Math.sin(a) * (i == 0 || i == 16 ? 0.2 : 1));
        }
        for (int i = 0; i < 5; i++) { // brows
            set(p, 17 + i, -0.36 + 0.065 * i, -0.22 - 0.03 * Math.sin(Math.PI * i / 4));
            set(p, 22 + i, 0.10 + 0.065 * i, -0.22 - 0.03 * Math.sin(Math.PI * i / 4));
        }
        for (int i = 0; i < 4; i++) { // nose bridge, tip at 30
            set(p, 27 + i, 0, -0.12 + 0.06 * i);
        }
        for (int i = 0; i < 5; i++) { // nostrils
            set(p, 31 + i, -0.08 + 0.04 * i, 0.1 + 0.01 * Math.abs(i - 2));
        }
        eye(p, 36, -0.19);
        eye(p, 42, 0.19);
        for (int i = 0; i < 12; i++) { // outer lip, corners 48 and 54
            double a = Math.PI - 2 * Math.PI * i / 12;
            set(p, 48 + i, 0.16 * Math.cos(a), 0.25 - 0.06 * Math.sin(a));
        }
        for (int i = 0; i < 8; i++) { // inner lip
            double a = Math.PI - 2 * Math.PI * i / 8;
            set(p, 60 + i, 0.11 * Math.cos(a), 0.25 - 0.025 * Math.sin(a));
        }
        return p;
    }

    private static void eye(double[] p, int from, double cx) {
        for (int i = 0; i < 6; i++) {
            double a = Math.PI - 2 * Math.PI * i / 6;
            set(p, from + i, cx + 0.07 * Math.cos(a), -0.1 - 0.03 * Math.sin(a));
        }
    }

    private static void set(double[] p, int i, double x, double y) {
        p[2 * i] = x;
        p[2 * i + 1] = y;
    }

    /** A face's pose in one frame: centre, size (of the unit box, pixels), rotation (radians), mouth opening. */
    public record Pose(double cx, double cy, double size, double angle, double mouth) {
        /** The 68 true points. */
        public double[] points() {
            double[] u = unitShape();
            double[] out = new double[u.length];
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            for (int i = 0; i < 68; i++) {
                double x = u[2 * i];
                double y = u[2 * i + 1];
                if (i >= 56 && i <= 59 || i >= 65) {
                    y += mouth; // lower lip opens
                }
                out[2 * i] = cx + size * (c * x - s * y);
                out[2 * i + 1] = cy + size * (s * x + c * y);
            }
            return out;
        }

        public Box box() {
            return new Box(cx - size / 2, cy - size / 2, size, size);
        }
    }

    /** A detection of the pose with landmark noise of {@code noise} face sizes (standard deviation per coordinate). */
    public static Detection detect(Pose pose, double noise, Random random) {
        double[] p = pose.points();
        for (int i = 0; i < p.length; i++) {
            p[i] += noise * pose.size() * random.nextGaussian();
        }
        Box b = pose.box();
        double j = noise * pose.size();
        return new Detection(new Box(b.x() + j * random.nextGaussian(), b.y() + j * random.nextGaussian(),
                b.width(), b.height()), 0.9, new Landmarks(p));
    }

    /**
     * The moving ground-truth clip of the benchmark and the smoothing tests, 360 frames of one face of about
     * 160 px: a slow drift, a 40-frame sway, a fast pan (24 px a frame), a zoom to 1.6 times, a head turn
     * (rotation by 25 degrees and back), a quick nod, and the mouth opening and closing every 30 frames.
     */
    public static List<Pose> movingClip() {
        List<Pose> poses = new ArrayList<>();
        double x = 300;
        for (int t = 0; t < 360; t++) {
            double size = 160;
            double angle = 0;
            double y = 300;
            if (t < 80) { // drift and sway
                x = 300 + 0.8 * t + 30 * Math.sin(2 * Math.PI * t / 40);
            } else if (t < 120) { // fast pan, easing in and out
                double u = (t - 80) / 40.0;
                x = 364 + 960 * (u - Math.sin(2 * Math.PI * u) / (2 * Math.PI)) * 0.5;
            } else if (t < 200) { // zoom
                double u = (t - 120) / 80.0;
                size = 160 * (1 + 0.6 * (1 - Math.cos(Math.PI * u)) / 2);
            } else if (t < 280) { // turn
                size = 256;
                angle = Math.toRadians(25) * Math.sin(Math.PI * (t - 200) / 80.0);
            } else { // nod
                size = 256;
                y = 300 + 25 * Math.sin(2 * Math.PI * (t - 280) / 20.0);
            }
            double mouth = 0.03 + 0.03 * Math.sin(2 * Math.PI * t / 30);
            poses.add(new Pose(x, y, size, angle, mouth));
        }
        return poses;
    }

    /** Landmark error and jitter of smoothed points against the truth. */
    public record Accuracy(double rmsError, double jitter) {
    }

    /**
     * The RMS point distance to the truth, and the jitter: the RMS point distance of the error's frame-to-frame
     * change (the shake left after the true motion is taken out), both in pixels.
     */
    public static Accuracy accuracy(double[][] points, List<Pose> truth) {
        double err = 0;
        double jit = 0;
        int count = points[0].length / 2;
        double[] prev = null;
        for (int t = 0; t < points.length; t++) {
            double[] g = truth.get(t).points();
            double[] e = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                e[i] = points[t][i] - g[i];
                err += e[i] * e[i];
                if (prev != null) {
                    double d = e[i] - prev[i];
                    jit += d * d;
                }
            }
            prev = e;
        }
        return new Accuracy(Math.sqrt(err / (points.length * count)),
                Math.sqrt(jit / ((points.length - 1) * count)));
    }
}
