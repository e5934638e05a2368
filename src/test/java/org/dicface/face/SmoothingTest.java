package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.dicface.face.SyntheticFaces.Accuracy;
import org.dicface.face.SyntheticFaces.Pose;

class SmoothingTest {
    /** scipy 1.17.1: gaussian_filter1d([3, -1, 4, 1, -5, 9, 2], 5), a series shorter than the kernel radius. */
    @Test
    void officialGaussianMatchesScipy() {
        double[] x = {3, -1, 4, 1, -5, 9, 2};
        double[] scipy = {1.79116572, 1.8040872, 1.82784855, 1.85710485, 1.88644773, 1.91014776, 1.92319819};
        assertArrayEquals(scipy, new OfficialGaussian().filter(x), 1e-8);
        assertArrayEquals(new double[] {2.5}, new OfficialGaussian().filter(new double[] {2.5}), 1e-12);
        double[] y = new double[30];
        for (int t = 0; t < 30; t++) {
            y[t] = t * t / 10.0 + Math.sin(t);
        }
        double[] f = new OfficialGaussian().filter(y);
        int[] at = {0, 1, 5, 14, 20, 28, 29};
        double[] expected = {2.2983773, 2.47606545, 5.00790716, 22.0850674, 41.85075544, 65.18178532, 65.91649852};
        for (int i = 0; i < at.length; i++) {
            assertEquals(expected[i], f[at[i]], 1e-7, "frame " + at[i]);
        }
    }

    /**
     * The formula written out: weights exp(-k^2 / (2 sigma^2)) for |k| <= 20, normalised, on the series
     * extended by mirroring (d c b a | a b c d | d c b a), built explicitly.
     */
    @Test
    void officialGaussianIsScipysFormula() {
        double[] x = new double[45];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian() * 10;
        }
        double[] w = new double[41];
        double sum = 0;
        for (int k = -20; k <= 20; k++) {
            w[k + 20] = Math.exp(-k * k / 50.0);
            sum += w[k + 20];
        }
        List<Double> ext = new ArrayList<>();
        for (int i = 19; i >= 0; i--) {
            ext.add(x[i]); // x[19] ... x[0] in front: index -1 is x[0], -20 is x[19]
        }
        for (double v : x) {
            ext.add(v);
        }
        for (int i = x.length - 1; i >= x.length - 20; i--) {
            ext.add(x[i]);
        }
        double[] f = new OfficialGaussian().filter(x);
        for (int t = 0; t < x.length; t++) {
            double s = 0;
            for (int k = -20; k <= 20; k++) {
                s += w[k + 20] / sum * ext.get(t + k + 20);
            }
            assertEquals(s, f[t], 1e-10, "frame " + t);
        }
    }

    /** A face swaying 20 px with a 40-frame period: the official sigma 5 keeps 73 % of it, the pose smoother almost all. */
    @Test
    void fortyFrameOscillation() {
        List<Pose> poses = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            poses.add(new Pose(300 + 20 * Math.sin(2 * Math.PI * t / 40), 200, 160, 0, 0.03));
        }
        double[][] points = points(poses);
        double official = amplitude(new OfficialGaussian().smooth(points)) / 20;
        double pose = amplitude(PoseSmoother.DEFAULT.smooth(points)) / 20;
        // exp(-2 pi^2 sigma^2 / 40^2), the Gaussian's frequency response
        assertEquals(Math.exp(-2 * Math.PI * Math.PI * 25 / 1600), official, 0.002);
        assertEquals(0.7346, official, 0.001);
        assertTrue(pose > 0.98 && pose < 1.01, "pose smoother keeps " + pose);
    }

    /** The amplitude of point 30's x at the 40-frame period over frames 60 to 140 (two whole periods). */
    private static double amplitude(double[][] points) {
        double s = 0;
        double c = 0;
        int n = 0;
        for (int t = 60; t < 140; t++) {
            double x = points[t][60]; // point 30's x; its constant part projects to 0 over whole periods
            s += x * Math.sin(2 * Math.PI * t / 40);
            c += x * Math.cos(2 * Math.PI * t / 40);
            n++;
        }
        return 2 * Math.hypot(s, c) / n;
    }

    /** On the moving clip with 1.5 % landmark noise the pose smoother beats both raw and official points. */
    @Test
    void movingClipAccuracy() {
        List<Pose> truth = SyntheticFaces.movingClip();
        Random r = new Random(3);
        double[][] raw = new double[truth.size()][];
        for (int t = 0; t < raw.length; t++) {
            raw[t] = SyntheticFaces.detect(truth.get(t), 0.015, r).landmarks().xy();
        }
        Accuracy rawA = SyntheticFaces.accuracy(raw, truth);
        Accuracy official = SyntheticFaces.accuracy(new OfficialGaussian().smooth(raw), truth);
        Accuracy pose = SyntheticFaces.accuracy(PoseSmoother.DEFAULT.smooth(raw), truth);
        // the noise is 1.5 % of 160 to 256 px per coordinate: raw error sqrt(2) times that
        assertTrue(rawA.rmsError() > 3.5 && rawA.rmsError() < 6, "raw " + rawA);
        assertTrue(official.rmsError() > 6, "official lags on the fast pan: " + official);
        assertTrue(pose.rmsError() < 0.5 * rawA.rmsError() && pose.rmsError() < 0.3 * official.rmsError(),
                "pose " + pose + ", raw " + rawA + ", official " + official);
        assertTrue(pose.jitter() < 0.15 * rawA.jitter() && pose.jitter() < 0.5 * official.jitter(),
                "pose " + pose + ", raw " + rawA + ", official " + official);
    }

    /** A polynomial of the filter's degree passes unchanged, at the ends too; degree 0 is a moving average. */
    @Test
    void savitzkyGolayKeepsPolynomials() {
        double[] y = new double[40];
        for (int t = 0; t < y.length; t++) {
            y[t] = 3 - 0.5 * t + 0.02 * t * t - 0.001 * t * t * t + 1e-5 * t * t * t * t;
        }
        assertArrayEquals(y, new SavitzkyGolay(7, 4).filter(y), 1e-9);
        double[] z = {1, 5, 2, 8, 3, 9, 4};
        double[] avg = new SavitzkyGolay(1, 0).filter(z);
        assertEquals((5 + 2 + 8) / 3.0, avg[2], 1e-12);
        assertEquals((1 + 5 + 2) / 3.0, avg[0], 1e-12); // the window shifted inside at the start
        assertArrayEquals(new double[] {4, 6}, new SavitzkyGolay(7, 4).filter(new double[] {4, 6}), 0);
    }

    /** A face moving steadily (translation, zoom and turn linear in time) is left where it is. */
    @Test
    void poseSmootherKeepsSteadyMotion() {
        List<Pose> poses = new ArrayList<>();
        for (int t = 0; t < 50; t++) {
            poses.add(new Pose(100 + 7 * t, 200 - 3 * t, 100 * Math.exp(0.01 * t), 0.01 * t, 0.03));
        }
        double[][] points = points(poses);
        double[][] smooth = PoseSmoother.DEFAULT.smooth(points);
        for (int t = 0; t < points.length; t++) {
            assertArrayEquals(points[t], smooth[t], 1e-6, "frame " + t);
        }
    }

    private static double[][] points(List<Pose> poses) {
        double[][] p = new double[poses.size()][];
        for (int t = 0; t < p.length; t++) {
            p[t] = poses.get(t).points();
        }
        return p;
    }
}
