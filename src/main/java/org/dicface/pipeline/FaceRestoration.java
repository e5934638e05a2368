package org.dicface.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dicface.face.FaceTemplate;
import org.dicface.face.FaceTracks;
import org.dicface.face.PasteBack;
import org.dicface.face.Similarity;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.Warp;
import org.dicface.io.Task;
import org.dicface.model.CodebookUsage;
import org.dicface.model.DicFace;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;

/**
 * Restores the faces of an ordinary video in place (docs/ARCHITECTURE.md, "Faces in ordinary video"): each track
 * becomes a clip of crops aligned to the template, restored by its own stream with its temporal window inside the
 * track (clamped at the track's ends); all tracks advance together, one video frame at a time, so each frame is
 * read once and memory does not grow with the video; the restored faces are pasted back into the frame at the
 * input's size, and outside every face mask the output is the input.
 */
public final class FaceRestoration {
    private FaceRestoration() {
    }

    /**
     * @param video  the input frames (RGB [3, H, W] in [-1, 1])
     * @param tracks the faces to restore, for this video (its size and frame count)
     * @param output receives every frame of the settings' range ({@link Settings#frames}), in order, at the input's
     *               size, with its index in the video; a face's crops are restored with their windows and seeds in its
     *               whole track, so a segment's faces are those of an uninterrupted run
     */
    public static StreamingRestorer.Summary run(DicFace model, Device device, Settings settings, FrameSource video,
            FaceTracks tracks, ClipRestoration.Job job, FrameSink output, Progress progress) {
        check(video, tracks);
        int size = model.config().imgSize();
        FrameRange range = settings.frames().in(video.frameCount());
        int ahead = model.config().frameLength() / 2;
        long start = System.nanoTime();
        settings = settings.withBatch(Batching.choose(settings.batch(), model, device));
        StreamingRestorer restorer = new StreamingRestorer(model, device, settings);
        List<Track> order = new ArrayList<>(tracks.tracks());
        order.removeIf(t -> range.intersect(t.firstFrame(), t.endFrame()) == null);
        // a track enters where it starts, or at the range's start if it began before
        order.sort(Comparator.comparingInt(t -> Math.max(t.firstFrame(), range.from())));
        Map<Track, StreamingRestorer.Stream> active = new LinkedHashMap<>();
        // each face's fit to the template, made once: by its crop (read ahead) and used again by its paste-back
        Map<Track, Similarity[]> fits = new java.util.HashMap<>();
        List<CodebookUsage> usages = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int encoderPasses = 0;
        int mostCached = 0;
        int batch = settings.batch();
        // each frame is read once: the streams look a batch and `ahead` frames forward, the paste-back at the current one
        int kept = settings.batch() + ahead + 2;
        try (Frames.Memo original = Frames.memo(video, kept);
             Frames.Memo prepared = Frames.memo(prepared(original, job), kept)) {
            FrameSink sink = job.task() == Task.INPAINT ? Frames.composited(output, original, job.masks()) : output;
            if (job.keepLuminance()) {
                sink = Frames.keepingLuminance(sink, original);
            }
            int next = 0;
            try {
                for (int f = range.from(); f < range.to(); f++) {
                    while (next < order.size() && Math.max(order.get(next).firstFrame(), range.from()) == f) {
                        Track t = order.get(next++);
                        fits.put(t, new Similarity[t.frames().size()]);
                        FrameRange part = range.intersect(t.firstFrame(), t.endFrame()).minus(t.firstFrame());
                        active.put(t, restorer.open(aligned(prepared, t, fits.get(t), size), part, false, progress));
                    }
                    try (Scope scope = Scope.open()) {
                        List<PasteBack.PlacedFace> faces = new ArrayList<>();
                        for (Map.Entry<Track, StreamingRestorer.Stream> e : active.entrySet()) {
                            TrackedFace face = e.getKey().at(f);
                            Similarity toCrop = fit(fits.get(e.getKey()), e.getKey(), f - e.getKey().firstFrame(), size);
                            Tensor crop = e.getValue().next().frame();
                            if (job.colorFix()) {
                                crop = Frames.withColorMeansOf(crop, Warp.align(prepared.frame(f), toCrop, size));
                            }
                            faces.add(PasteBack.PlacedFace.of(crop, toCrop, face.landmarks68()));
                        }
                        Tensor base = prepared.frame(f);
                        // a gray video gets gray faces back when restored; colorization's faces keep their colour
                        sink.accept(f, faces.isEmpty() ? base : PasteBack.composite(base, faces,
                                job.task() != Task.COLORIZE && PasteBack.isGray(base)));
                    }
                    var ended = active.entrySet().iterator();
                    while (ended.hasNext()) {
                        var e = ended.next();
                        if (Math.min(e.getKey().endFrame(), range.to()) == f + 1) {
                            StreamingRestorer.Summary s = e.getValue().summary();
                            usages.add(s.codebookUsage());
                            counts.add(s.frames());
                            encoderPasses += s.encoderPasses();
                            mostCached = Math.max(mostCached, s.mostCachedFrames());
                            batch = Math.min(batch, s.batch());
                            e.getValue().close();
                            fits.remove(e.getKey());
                            ended.remove();
                        }
                    }
                    int done = f + 1 - range.from();
                    if (!progress.frameDone(done, range.length())) {
                        throw new CancelledException(done, range.length());
                    }
                }
            } finally {
                active.values().forEach(StreamingRestorer.Stream::close);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new StreamingRestorer.Summary(range.length(), encoderPasses, mostCached, seconds / range.length(),
                CodebookUsage.combined(usages, counts, model.config().codebookSize()), batch);
    }

    /** The frames the faces are cut from: as they are, painted white in the holes, or gray. */
    private static FrameSource prepared(FrameSource original, ClipRestoration.Job job) {
        return switch (job.task()) {
            case RESTORE -> original;
            case INPAINT -> Frames.painted(original, job.masks());
            case COLORIZE -> Frames.grayed(original);
        };
    }

    /** A track's crops, aligned with its smoothed points: crop j is the track's frame firstFrame + j. */
    private static FrameSource aligned(FrameSource frames, Track track, Similarity[] fits, int size) {
        return FrameSource.of(track.frames().size(), size, size, j -> {
            try (Scope scope = Scope.open()) {
                return scope.keep(Warp.align(frames.frame(track.frames().get(j).frame()), fit(fits, track, j, size), size));
            }
        });
    }

    /** The j-th face of the track fitted to the template, computed on first use. */
    private static Similarity fit(Similarity[] fits, Track track, int j, int size) {
        if (fits[j] == null) {
            fits[j] = FaceTemplate.alignment(track.frames().get(j).landmarks5(), size);
        }
        return fits[j];
    }

    private static void check(FrameSource video, FaceTracks tracks) {
        if (tracks.width() != video.width() || tracks.height() != video.height() || tracks.frames() != video.frameCount()) {
            throw new IllegalArgumentException("the face tracks are for a " + tracks.width() + "x" + tracks.height() + ", "
                    + tracks.frames() + "-frame video, this one is " + video.width() + "x" + video.height() + " with "
                    + video.frameCount() + " frames: find its faces again (dicface faces)");
        }
        for (Track t : tracks.tracks()) {
            if (t.firstFrame() < 0 || t.endFrame() > video.frameCount()) {
                throw new IllegalArgumentException("face track " + t.id() + " runs from frame " + t.firstFrame() + " to "
                        + (t.endFrame() - 1) + ", outside the video's " + video.frameCount() + " frames");
            }
        }
    }
}
