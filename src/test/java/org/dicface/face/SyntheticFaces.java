package org.dicface.face;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Faces with known motion for the tracking tests and the benchmark: a 68-point face (iBUG order) moved by a
 * known similarity per frame, with the mouth opening and closing, and detections made from it with
 * Gaussian landmark noise.
 */
public final class SyntheticFaces {
    private SyntheticFaces() {
    }

    /**
     * A 68-point face in a unit box centred at 0 (x right, y down): {@link SyntheticFace}'s face on the 512
     * template, the box 300 template pixels wide about (256, 300).
     */
    public static double[] unitShape() {
        double[] p = SyntheticFace.crop512().xy();
        for (int i = 0; i < 68; i++) {
            p[2 * i] = (p[2 * i] - 256) / 300;
            p[2 * i + 1] = (p[2 * i + 1] - 300) / 300;
        }
        return p;
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
        return accuracy(points, truth, false);
    }

    /** The same for the 5 alignment points made from the 68 (what the alignment uses). */
    public static Accuracy alignmentAccuracy(double[][] points, List<Pose> truth) {
        return accuracy(points, truth, true);
    }

    private static Accuracy accuracy(double[][] points68, List<Pose> truth, boolean five) {
        double[][] points = points68;
        if (five) {
            points = new double[points68.length][];
            for (int t = 0; t < points.length; t++) {
                points[t] = new Landmarks(points68[t]).alignmentPoints().xy();
            }
        }
        double err = 0;
        double jit = 0;
        int count = points[0].length / 2;
        double[] prev = null;
        for (int t = 0; t < points.length; t++) {
            double[] g = truth.get(t).points();
            if (five) {
                g = new Landmarks(g).alignmentPoints().xy();
            }
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
