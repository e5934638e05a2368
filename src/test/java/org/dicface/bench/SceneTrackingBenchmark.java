package org.dicface.bench;

import java.util.ArrayList;
import java.util.List;

import org.dicface.face.Detection;
import org.dicface.face.FaceFinder;
import org.dicface.face.FaceTracker;
import org.dicface.face.FaceTracks;
import org.dicface.face.LandmarkSmoother;
import org.dicface.face.OfficialGaussian;
import org.dicface.face.PoseSmoother;
import org.dicface.face.ShotCuts;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.TrackerOptions;
import org.dicface.face.scenes.FaceTruth;
import org.dicface.face.scenes.Scene;
import org.dicface.face.scenes.Scenes;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Torch;

/**
 * Tracking accuracy on the real-face scenes with the real detector (scripts/bench-tracking, second part): the
 * detections of each scene are found once, then tracked with no smoothing, the official Gaussian (sigma 5) and the
 * default pose smoother; for each, the RMS distance of the 5 alignment points from the truth and their jitter (the
 * RMS frame-to-frame change of the error), in pixels and in inter-ocular distances, and whether each track keeps one
 * person. Usage: SceneTrackingBenchmark [frames (default 96)]
 */
public final class SceneTrackingBenchmark {
    private SceneTrackingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 96;
        Torch.init();
        Scenes.Options o = Scenes.Options.DEFAULT.withFrames(frames);
        List<Scene> scenes = List.of(Scenes.moving(o), Scenes.twoFacesCrossing(o), Scenes.occlusion(o));
        LandmarkSmoother[] smoothers = {LandmarkSmoother.NONE, new OfficialGaussian(), PoseSmoother.DEFAULT};
        String[] names = {"raw", "official", "pose"};
        try (FaceFinder finder = FaceFinder.load(Device.CPU)) {
            for (Scene scene : scenes) {
                List<List<Detection>> found = new ArrayList<>();
                List<Boolean> cuts = new ArrayList<>();
                ShotCuts shots = new ShotCuts();
                for (int f = 0; f < scene.frameCount(); f++) {
                    try (Scope scope = Scope.open()) {
                        var frame = scene.frames().frame(f);
                        cuts.add(shots.startsShot(frame) && f > 0);
                        found.add(finder.find(frame));
                    }
                }
                StringBuilder line = new StringBuilder("RESULT scene=" + scene.name() + " frames=" + scene.frameCount());
                for (int k = 0; k < smoothers.length; k++) {
                    FaceTracker tracker = new FaceTracker(TrackerOptions.DEFAULT.withSmoother(smoothers[k]));
                    for (int f = 0; f < scene.frameCount(); f++) {
                        tracker.add(found.get(f), cuts.get(f));
                    }
                    double[] a = accuracy(scene, tracker.finish(scene.width(), scene.height(), 25));
                    System.out.printf("%s, %s: %d tracks, %.0f %% of visible face-frames tracked, error %.2f px (%.4f IOD),"
                            + " jitter %.2f px (%.4f IOD), identity switches %d%n", scene.name(), names[k], (int) a[5],
                            100 * a[6], a[0], a[1], a[2], a[3], (int) a[4]);
                    line.append(String.format(" %s_error_px=%.2f %s_jitter_px=%.2f", names[k], a[0], names[k], a[2]));
                    if (k == 0) {
                        line.append(String.format(" tracks=%d coverage=%.3f switches=%d", (int) a[5], a[6], (int) a[4]));
                    }
                }
                System.out.println(line);
            }
        }
    }

    /** error px, error IOD, jitter px, jitter IOD, identity switches, tracks, coverage of visible face-frames. */
    static double[] accuracy(Scene scene, FaceTracks tracks) {
        double err = 0;
        double errIod = 0;
        double jit = 0;
        double jitIod = 0;
        int n = 0;
        int m = 0;
        int switches = 0;
        int visible = 0;
        for (int f = 0; f < scene.frameCount(); f++) {
            visible += scene.truth(f).visibleFaces().size();
        }
        for (Track t : tracks.tracks()) {
            String who = null;
            double[] prev = null;
            for (TrackedFace face : t.frames()) {
                FaceTruth truth = nearest(scene, face);
                if (truth == null) {
                    prev = null;
                    continue;
                }
                if (who != null && !who.equals(truth.identity())) {
                    switches++;
                }
                who = truth.identity();
                double[] g = truth.alignmentPoints().xy();
                double[] p = face.landmarks5().xy();
                double iod = Math.hypot(g[2] - g[0], g[3] - g[1]);
                double[] e = new double[10];
                double s = 0;
                for (int i = 0; i < 10; i++) {
                    e[i] = p[i] - g[i];
                    s += e[i] * e[i];
                }
                err += s / 5;
                errIod += s / 5 / (iod * iod);
                n++;
                if (prev != null) {
                    double d = 0;
                    for (int i = 0; i < 10; i++) {
                        d += (e[i] - prev[i]) * (e[i] - prev[i]);
                    }
                    jit += d / 5;
                    jitIod += d / 5 / (iod * iod);
                    m++;
                }
                prev = e;
            }
        }
        return new double[] {Math.sqrt(err / n), Math.sqrt(errIod / n), Math.sqrt(jit / Math.max(1, m)),
                Math.sqrt(jitIod / Math.max(1, m)), switches, tracks.tracks().size(), (double) n / visible};
    }

    private static FaceTruth nearest(Scene scene, TrackedFace face) {
        FaceTruth best = null;
        double bestD = Double.MAX_VALUE;
        for (FaceTruth t : scene.truth(face.frame()).visibleFaces()) {
            double d = t.alignmentPoints().rmsDistance(face.landmarks5());
            if (d < bestD) {
                bestD = d;
                best = t;
            }
        }
        return best != null && bestD < best.box().width() / 2 ? best : null;
    }
}
