package org.dicface.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.dicface.face.Detection;
import org.dicface.face.FaceTracker;
import org.dicface.face.LandmarkSmoother;
import org.dicface.face.OfficialGaussian;
import org.dicface.face.PoseSmoother;
import org.dicface.face.ShotCuts;
import org.dicface.face.SyntheticFaces;
import org.dicface.face.SyntheticFaces.Accuracy;
import org.dicface.face.SyntheticFaces.Pose;
import org.dicface.face.TrackerOptions;
import org.dicface.torch.Tensor;

/**
 * Tracking and smoothing benchmark (scripts/bench-tracking): landmark error and jitter of raw, official
 * (Gaussian sigma 5) and default (pose) smoothing on the moving ground-truth clip; the 40-frame attenuation;
 * the cost per frame of tracking + smoothing and of the shot-cut test.
 */
public final class TrackingBenchmark {
    public static void main(String[] args) {
        List<Pose> truth = SyntheticFaces.movingClip();
        for (double noise : new double[] {0.01, 0.015, 0.02}) {
            double[][] raw = new double[truth.size()][];
            Random r = new Random(1);
            for (int t = 0; t < truth.size(); t++) {
                raw[t] = SyntheticFaces.detect(truth.get(t), noise, r).landmarks().xy();
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "RESULT smoothing noise_pct=%.1f",
                    100 * noise));
            for (var s : List.of(new Named("raw", LandmarkSmoother.NONE), new Named("official", new OfficialGaussian()),
                    new Named("pose", PoseSmoother.DEFAULT))) {
                double[][] p = s.smoother.smooth(raw);
                Accuracy a68 = SyntheticFaces.accuracy(p, truth);
                Accuracy a5 = SyntheticFaces.alignmentAccuracy(p, truth);
                line.append(String.format(Locale.ROOT, " %s_rms68_px=%.2f %s_jitter68_px=%.2f %s_rms5_px=%.2f"
                        + " %s_jitter5_px=%.2f", s.name, a68.rmsError(), s.name, a68.jitter(), s.name, a5.rmsError(),
                        s.name, a5.jitter()));
            }
            System.out.println(line);
        }
        System.out.println(String.format(Locale.ROOT, "RESULT attenuation_40_frames official=%.3f pose=%.3f",
                attenuation(new OfficialGaussian()), attenuation(PoseSmoother.DEFAULT)));
        trackingCost(1, 3000, false); // warm-up
        for (int faces : new int[] {1, 4}) {
            trackingCost(faces, 3000, true);
        }
        for (int[] size : new int[][] {{640, 480}, {1920, 1080}}) {
            shotCutCost(size[0], size[1]);
        }
    }

    private record Named(String name, LandmarkSmoother smoother) {
    }

    /** The kept amplitude of a 20 px, 40-frame sway of a whole face (no noise), between frames 60 and 140. */
    private static double attenuation(LandmarkSmoother smoother) {
        double[][] p = new double[200][];
        for (int t = 0; t < p.length; t++) {
            p[t] = new Pose(300 + 20 * Math.sin(2 * Math.PI * t / 40), 200, 160, 0, 0.03).points();
        }
        double[][] s = smoother.smooth(p);
        double sin = 0;
        double cos = 0;
        for (int t = 60; t < 140; t++) {
            sin += s[t][60] * Math.sin(2 * Math.PI * t / 40);
            cos += s[t][60] * Math.cos(2 * Math.PI * t / 40);
        }
        return 2 * Math.hypot(sin, cos) / 80 / 20;
    }

    /** Tracker add + finish (interpolation and smoothing included) per frame, for {@code faces} moving faces. */
    private static void trackingCost(int faces, int frames, boolean print) {
        Random r = new Random(2);
        List<List<Detection>> detections = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            List<Detection> d = new ArrayList<>();
            for (int k = 0; k < faces; k++) {
                if ((f + 7 * k) % 50 != 0) { // a missed frame now and then
                    d.add(SyntheticFaces.detect(new Pose(200 + 400 * k + 50 * Math.sin(f / 30.0 + k), 300, 120, 0, 0.03),
                            0.015, r));
                }
            }
            detections.add(d);
        }
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            FaceTracker tracker = new FaceTracker(TrackerOptions.DEFAULT);
            for (int f = 0; f < frames; f++) {
                tracker.add(detections.get(f), f % 1000 == 0);
            }
            int tracks = tracker.finish(1920, 1080, 25).tracks().size();
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / frames);
            if (tracks != faces * 3) {
                throw new IllegalStateException(tracks + " tracks, expected " + faces * 3);
            }
        }
        if (print) {
            System.out.println(String.format(Locale.ROOT, "RESULT tracking faces=%d frames=%d us_per_frame=%.1f",
                    faces, frames, best));
        }
    }

    /** ShotCuts.startsShot on frames of the given size, per frame (the best of five passes over 20 frames). */
    private static void shotCutCost(int width, int height) {
        Random r = new Random(3);
        float[] rgb = new float[3 * width * height];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextFloat() * 2 - 1;
        }
        try (Tensor frame = Tensor.of(rgb, 3, height, width)) {
            ShotCuts cuts = new ShotCuts();
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                for (int f = 0; f < 20; f++) {
                    cuts.startsShot(frame);
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e6 / 20);
            }
            System.out.println(String.format(Locale.ROOT, "RESULT shot_cuts width=%d height=%d ms_per_frame=%.2f",
                    width, height, best));
        }
    }
}
