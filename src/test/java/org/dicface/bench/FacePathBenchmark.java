package org.dicface.bench;

import java.util.ArrayList;
import java.util.List;

import org.dicface.face.Detection;
import org.dicface.face.FaceFinder;
import org.dicface.face.FaceTemplate;
import org.dicface.face.FaceTracker;
import org.dicface.face.FaceTracks;
import org.dicface.face.PasteBack;
import org.dicface.face.ShotCuts;
import org.dicface.face.Similarity;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.Warp;
import org.dicface.face.scenes.Scene;
import org.dicface.face.scenes.Scenes;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.Sampling;
import org.dicface.pipeline.Settings;
import org.dicface.pipeline.StreamingRestorer;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;
import org.dicface.video.FrameSource;

/**
 * The in-the-wild path stage by stage (scripts/bench-face-path): on the two-faces-crossing scene at 640x480 and at
 * 1920x1080, per video frame: detection + landmarks, shot test + tracking + smoothing, alignment of every face,
 * restoration of every face (the model of the configuration given, random weights: time does not depend on them)
 * and paste-back; each stage's share of the total. Frames are made before the clock starts; the first FRAMES
 * frames of its 48-frame version are used (the motion of a real clip).
 * Usage: FacePathBenchmark [config (default official)] [frames (default 6)] [device (default cpu)]
 */
public final class FacePathBenchmark {
    private FacePathBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        DicFaceConfig config = DicFaceConfig.resolve(args.length > 0 ? args[0] : "official");
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Device device = Device.parse(args.length > 2 ? args[2] : "cpu");
        Torch.init();
        int size = config.imgSize();
        Settings settings = new Settings(new Sampling.Sample(), 0, 1.0, Settings.Uncertainty.NONE);
        System.out.printf("# %s, %dx%d crops, %d frames, threads %d%n", device, size, size, frames, Torch.numThreads());
        try (FaceFinder finder = FaceFinder.load(device); DicFace model = new DicFace(config)) {
            model.eval();
            org.dicface.model.ModelLoader.place(model, device, org.dicface.model.Precision.parse("fp32"));
            int[][] sizes = {{640, 480}, {1920, 1080}};
            for (int[] wh : sizes) {
                Scene scene = Scenes.twoFacesCrossing(Scenes.Options.DEFAULT.withSize(wh[0], wh[1]).withFrames(Math.max(48, frames)));
                List<Tensor> video = new ArrayList<>();
                FrameSource source = scene.frames();
                for (int f = 0; f < frames; f++) {
                    video.add(Scope.unowned(() -> source.frame(video.size())));
                }
                finder.find(video.getFirst());  // warm-up
                long t0 = System.nanoTime();
                List<List<Detection>> found = new ArrayList<>();
                for (Tensor frame : video) {
                    found.add(finder.find(frame));
                }
                long t1 = System.nanoTime();
                ShotCuts cuts = new ShotCuts();
                FaceTracker tracker = new FaceTracker();
                for (int f = 0; f < frames; f++) {
                    tracker.add(found.get(f), cuts.startsShot(video.get(f)) && f > 0);
                }
                FaceTracks tracks = tracker.finish(wh[0], wh[1], 25);
                long t2 = System.nanoTime();
                // alignment, restoration and paste-back, each timed on its own
                long align = 0;
                long restore = 0;
                long paste = 0;
                int faces = 0;
                StreamingRestorer restorer = new StreamingRestorer(model, device, settings);
                List<List<Tensor>> crops = new ArrayList<>();
                for (Track t : tracks.tracks()) {
                    List<Tensor> c = new ArrayList<>();
                    for (TrackedFace face : t.frames()) {
                        long a = System.nanoTime();
                        c.add(Scope.unowned(() -> Warp.align(video.get(face.frame()), FaceTemplate.alignment(face.landmarks5(), size), size)));
                        align += System.nanoTime() - a;
                        faces++;
                    }
                    crops.add(c);
                }
                List<List<Tensor>> restored = new ArrayList<>();
                for (int k = 0; k < crops.size(); k++) {
                    List<Tensor> c = crops.get(k);
                    List<Tensor> out = new ArrayList<>();
                    long r = System.nanoTime();
                    try (StreamingRestorer.Stream s = restorer.open(FrameSource.of(c.size(), size, size, j -> c.get(j).view(c.get(j).shape())), new org.dicface.pipeline.FrameRange(0, c.size()), false, org.dicface.pipeline.Progress.NONE)) {
                        while (s.hasNext()) {
                            out.add(Scope.unowned(() -> s.next().frame()));
                        }
                    }
                    restore += System.nanoTime() - r;
                    restored.add(out);
                }
                for (int f = 0; f < frames; f++) {
                    List<PasteBack.PlacedFace> placed = new ArrayList<>();
                    for (int k = 0; k < tracks.tracks().size(); k++) {
                        Track t = tracks.tracks().get(k);
                        if (f >= t.firstFrame() && f < t.endFrame()) {
                            TrackedFace face = t.at(f);
                            Similarity s = FaceTemplate.alignment(face.landmarks5(), size);
                            placed.add(PasteBack.PlacedFace.of(restored.get(k).get(f - t.firstFrame()), s, face.landmarks68()));
                        }
                    }
                    long p = System.nanoTime();
                    try (Scope scope = Scope.open()) {
                        PasteBack.composite(video.get(f), placed);
                    }
                    paste += System.nanoTime() - p;
                }
                double detectMs = (t1 - t0) / 1e6 / frames;
                double trackMs = (t2 - t1) / 1e6 / frames;
                double alignMs = align / 1e6 / frames;
                double restoreMs = restore / 1e6 / frames;
                double pasteMs = paste / 1e6 / frames;
                double total = detectMs + trackMs + alignMs + restoreMs + pasteMs;
                double overhead = 100 * (total - restoreMs) / total;
                System.out.printf("%dx%d, %d faces over %d frames: per frame detection+landmarks %.1f ms, tracking+smoothing %.2f ms,"
                        + " alignment %.1f ms, restoration %.1f ms, paste-back %.1f ms; all but the restoration %.1f %% of %.1f ms%n",
                        wh[0], wh[1], faces, frames, detectMs, trackMs, alignMs, restoreMs, pasteMs, overhead, total);
                System.out.printf("RESULT size=%dx%d crop=%d faces_per_frame=%.2f detect_ms=%.1f track_ms=%.2f align_ms=%.1f"
                        + " restore_ms=%.1f paste_ms=%.1f overhead_pct=%.1f%n", wh[0], wh[1], size, (double) faces / frames,
                        detectMs, trackMs, alignMs, restoreMs, pasteMs, overhead);
                video.forEach(Tensor::close);
                crops.forEach(c -> c.forEach(Tensor::close));
                restored.forEach(c -> c.forEach(Tensor::close));
            }
        }
    }
}
