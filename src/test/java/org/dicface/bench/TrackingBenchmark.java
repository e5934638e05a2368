package org.dicface.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.dicface.face.LandmarkSmoother;
import org.dicface.face.OfficialGaussian;
import org.dicface.face.PoseSmoother;
import org.dicface.face.SyntheticFaces;
import org.dicface.face.SyntheticFaces.Accuracy;
import org.dicface.face.SyntheticFaces.Pose;

/** Temporary tuning harness. */
public final class TrackingBenchmark {
    public static void main(String[] args) {
        List<Pose> truth = SyntheticFaces.movingClip();
        for (double noise : new double[] {0.01, 0.02}) {
            double[][] raw = new double[truth.size()][];
            Random r = new Random(1);
            for (int t = 0; t < truth.size(); t++) {
                raw[t] = SyntheticFaces.detect(truth.get(t), noise, r).landmarks().xy();
            }
            report("raw", noise, raw, truth);
            report("official", noise, new OfficialGaussian().smooth(raw), truth);
            report("pose", noise, PoseSmoother.DEFAULT.smooth(raw), truth);
            for (int o : new int[] {2, 4}) for (int h : new int[] {4, 5, 7, 9}) {
                for (double s : new double[] {4, 5, 7}) {
                    report("pose o" + o + " h" + h + " s" + s, noise, new PoseSmoother(new org.dicface.face.SavitzkyGolay(h, o),
                            new OfficialGaussian(s)).smooth(raw), truth);
                }
            }
        }
    }

    static void report(String name, double noise, double[][] p, List<Pose> truth) {
        Accuracy a = SyntheticFaces.accuracy(p, truth);
        System.out.println(String.format(Locale.ROOT, "%-16s noise %.2f  rms %.3f  jitter %.3f", name, noise,
                a.rmsError(), a.jitter()));
    }
}
