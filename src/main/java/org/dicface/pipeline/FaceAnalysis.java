package org.dicface.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dicface.face.Detection;
import org.dicface.face.FaceTracker;
import org.dicface.face.FaceTracks;
import org.dicface.face.ShotCutOptions;
import org.dicface.face.ShotCuts;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.TrackerOptions;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSource;

/**
 * The first pass over an ordinary video: each frame once, in order, through the shot-cut test and the face
 * finder; detections are linked into tracks within shots and smoothed. Only the detections are held, never the
 * frames, so the pass costs the same memory for any length of video.
 */
public final class FaceAnalysis {
    /** Finds the faces of one frame (RGB [3, H, W] in [-1, 1]). */
    public interface Finder {
        List<Detection> find(Tensor frame);
    }

    /** How faces are followed: the tracker's options (minimum face size among them) and the shot-cut test's. */
    public record Options(TrackerOptions tracker, ShotCutOptions shots) {
        public static final Options DEFAULT = new Options(TrackerOptions.DEFAULT, ShotCutOptions.DEFAULT);

        public Options withTracker(TrackerOptions value) {
            return new Options(value, shots);
        }
    }

    private FaceAnalysis() {
    }

    /**
     * The faces {@code mode} keeps (all, or the largest of each shot), found with the bundled face finder on
     * {@code device}: what {@code dicface faces}, Detect Faces and the restoring commands all run.
     */
    public static FaceTracks find(FrameSource video, FaceMode mode, Options options, org.dicface.torch.Device device,
            double fps, Progress progress) {
        if (mode != FaceMode.ALL && mode != FaceMode.LARGEST) {
            throw new IllegalArgumentException("faces are found for all or largest, not " + mode.id());
        }
        FaceTracks tracks;
        try (org.dicface.face.FaceFinder finder = org.dicface.face.FaceFinder.load(device)) {
            tracks = run(video, finder::find, options, fps, progress);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
        // as a tracks file holds them: a run that finds them and one that reads them from dicface faces agree
        return org.dicface.face.TracksJson.asStored(mode == FaceMode.LARGEST ? largest(tracks) : tracks);
    }

    /** The tracks of every face of {@code video}; {@code fps} is recorded with them (0: none known). */
    public static FaceTracks run(FrameSource video, Finder finder, Options options, double fps, Progress progress) {
        FaceTracker tracker = new FaceTracker(options.tracker());
        ShotCuts cuts = new ShotCuts(options.shots());
        int frames = video.frameCount();
        for (int f = 0; f < frames; f++) {
            try (Scope scope = Scope.open()) {
                Tensor frame = video.frame(f);
                boolean cut = cuts.startsShot(frame);
                tracker.add(finder.find(frame), cut && f > 0);
            }
            if (!progress.frameDone(f + 1, frames)) {
                throw new CancelledException(f + 1, frames);
            }
        }
        return tracker.finish(video.width(), video.height(), fps);
    }

    /** Only the largest face of each shot: the track with the largest mean box area among those in the shot. */
    public static FaceTracks largest(FaceTracks all) {
        List<Track> kept = new ArrayList<>();
        List<Integer> shots = all.shots();
        for (int s = 0; s < shots.size(); s++) {
            int first = shots.get(s);
            int end = s + 1 < shots.size() ? shots.get(s + 1) : all.frames();
            all.tracks().stream()
                    .filter(t -> t.firstFrame() >= first && t.firstFrame() < end)
                    .max(Comparator.comparingDouble(FaceAnalysis::meanArea))
                    .ifPresent(kept::add);
        }
        return new FaceTracks(all.width(), all.height(), all.frames(), all.fps(), shots, kept);
    }

    private static double meanArea(Track t) {
        return t.frames().stream().mapToDouble((TrackedFace f) -> f.box().area()).average().orElse(0);
    }
}
