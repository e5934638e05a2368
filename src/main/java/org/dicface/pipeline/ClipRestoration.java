package org.dicface.pipeline;

import org.dicface.io.Task;
import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;
import org.dicface.video.StackSource;
import java.awt.Rectangle;

import ij.ImagePlus;
import org.dicface.model.DicFace;
import org.dicface.torch.Device;

/**
 * Restores an ImageJ clip with one of the three tasks, preparing the frames as each model was trained and
 * putting the results back where they belong. The front-ends (Fiji commands, CLI) call only this.
 */
public final class ClipRestoration {
    private ClipRestoration() {
    }

    /**
     * What to do with the clip. Start from {@link #restore()}, {@link #inpaint(Masks)} or {@link #colorize()}, which
     * hold the defaults (the input's size, a 16-pixel feather, no luminance kept, no colour fix), and change what
     * differs with the {@code with...} methods.
     *
     * @param task          restore, inpaint or colorize
     * @param region        restore only: the face region (one for the whole clip), pasted back; null for whole frames
     * @param masks         inpaint only: the holes
     * @param keepSize      give the output the input's size (otherwise the model's); always so with a region or masks
     * @param keepLuminance colorize only: keep the input's luminance, take only the colour from the model
     * @param feather       width in pixels of the blend at the region's edge
     * @param colorFix      restore only: shift each output frame's red, green and blue means to the input frame's
     *                      (not official; see {@link Frames#keepingColorMeans}); with faces found, each face's
     *                      crop to its aligned input's
     * @param faces         which faces are restored: every face of an ordinary video, found, tracked and pasted
     *                      back, or the whole frames as aligned crops ({@link FaceMode})
     */
    public record Job(Task task, Rectangle region, Masks masks, boolean keepSize, boolean keepLuminance, int feather,
            boolean colorFix, Faces faces) {
        public static final int DEFAULT_FEATHER = 16;

        public Job {
            java.util.Objects.requireNonNull(task, "task");
            if (task == Task.INPAINT && masks == null) {
                throw new IllegalArgumentException("inpainting needs a mask: a selection or a mask stack");
            }
            if (region != null && task != Task.RESTORE) {
                throw new IllegalArgumentException("a face region is for restoration only, not for " + task);
            }
            if (keepLuminance && task != Task.COLORIZE) {
                throw new IllegalArgumentException("keeping the input's luminance is for colorization only, not for " + task);
            }
            if (feather < 0) {
                throw new IllegalArgumentException("the feather must be 0 or more pixels, got " + feather);
            }
            java.util.Objects.requireNonNull(faces, "faces");
            if (region != null && faces.mode() != FaceMode.AUTO && faces.mode() != FaceMode.ALIGNED) {
                throw new IllegalArgumentException("a face region restores that rectangle as it is; faces " + faces.mode().id()
                        + " finds the faces itself: give one or the other");
            }
            if (colorFix && task != Task.RESTORE) {
                throw new IllegalArgumentException("the colour fix takes the input's colour balance, which only restoration"
                        + " keeps (inpainting paints its holes white, colorization starts from gray): leave it off for " + task);
            }
        }

        /** Restoration of whole frames at the input's size. */
        public static Job restore() {
            return new Job(Task.RESTORE, null, null, true, false, DEFAULT_FEATHER, false, Faces.AUTO);
        }

        /** Inpainting of the masked pixels (always at the input's size: the rest of each frame is the input's). */
        public static Job inpaint(Masks masks) {
            return new Job(Task.INPAINT, null, masks, true, false, DEFAULT_FEATHER, false, Faces.AUTO);
        }

        /** Colorization at the input's size, the model's luminance. */
        public static Job colorize() {
            return new Job(Task.COLORIZE, null, null, true, false, DEFAULT_FEATHER, false, Faces.AUTO);
        }

        /** Restores only this region of each frame (null: whole frames). */
        public Job withRegion(Rectangle value) {
            return new Job(task, value, masks, keepSize, keepLuminance, feather, colorFix, faces);
        }

        public Job withKeepSize(boolean value) {
            return new Job(task, region, masks, value, keepLuminance, feather, colorFix, faces);
        }

        public Job withKeepLuminance(boolean value) {
            return new Job(task, region, masks, keepSize, value, feather, colorFix, faces);
        }

        public Job withFeather(int value) {
            return new Job(task, region, masks, keepSize, keepLuminance, value, colorFix, faces);
        }

        public Job withColorFix(boolean value) {
            return new Job(task, region, masks, keepSize, keepLuminance, feather, value, faces);
        }

        public Job withFaces(Faces value) {
            return new Job(task, region, masks, keepSize, keepLuminance, feather, colorFix, value);
        }

        /** {@link #withFaces} with only the mode changed. */
        public Job withFaces(FaceMode value) {
            return withFaces(faces.withMode(value));
        }
    }

    /** The restored clip, the optional uncertainty maps, and the run's summary. */
    public record Result(ImagePlus output, ImagePlus uncertainty, StreamingRestorer.Summary summary) {
    }

    /** Restores a clip into new images held in memory (for short clips; long ones go to {@link #run(DicFace,
     * Device, Settings, ImagePlus, Job, FrameSink, FrameSink, Progress) sinks}). */
    public static Result run(DicFace model, Device device, Settings settings, ImagePlus input, Job job, Progress progress) {
        StackSink frames = new StackSink(false);
        StackSink maps = settings.uncertainty() == Settings.Uncertainty.NONE ? null : new StackSink(true);
        StreamingRestorer.Summary summary = run(model, device, settings, input, job, frames, maps, progress);
        ImagePlus output = frames.image(outputTitle(input, job));
        output.setCalibration(input.getCalibration().copy());
        String video = input.getProp(org.dicface.video.VideoFiles.SOURCE_PROPERTY);
        if (video != null) {
            output.setProp(org.dicface.video.VideoFiles.SOURCE_PROPERTY, video);  // so its sound goes with it
        }
        ImagePlus map = maps == null ? null
                : maps.image(input.getShortTitle() + "-" + settings.uncertainty().name().toLowerCase(java.util.Locale.ROOT));
        if (map != null) {
            map.setCalibration(input.getCalibration().copy());
        }
        return new Result(output, map, summary);
    }

    /** The title of a restored clip: the input's with the task appended. */
    public static String outputTitle(ImagePlus input, Job job) {
        return input.getShortTitle() + "-" + job.task().id();
    }

    /**
     * Restores a clip frame by frame into sinks (a file writer, say), holding no more than a window of
     * frames: {@code output} receives each restored frame at the output size (the input's, or the model's
     * without keepSize), {@code uncertainty} (may be null) each map when the settings ask for one; with a segment
     * ({@link Settings#frames}), its first frame is the sinks' frame 0. Each input frame is converted from ImageJ's
     * pixels once; only the frames the segment's windows reach are read.
     */
    public static StreamingRestorer.Summary run(DicFace model, Device device, Settings settings, ImagePlus input, Job job,
            FrameSink output, FrameSink uncertaintyOut, Progress progress) {
        try (StackSource stack = StackSource.readingAhead(input)) {  // a video decodes while the model works
            int from = settings.frames().in(stack.frameCount()).from();  // a range past the end is refused here
            return run(model, device, settings, input, stack, job, output.startingAt(from),
                    uncertaintyOut == null ? null : uncertaintyOut.startingAt(from), progress);
        }
    }

    private static StreamingRestorer.Summary run(DicFace model, Device device, Settings settings, ImagePlus input,
            StackSource stack, Job job, FrameSink output, FrameSink uncertaintyOut, Progress progress) {
        int w = stack.width();
        int h = stack.height();
        int size = model.config().imgSize();
        FaceMode mode = job.faces().mode().resolve(w, h, size, job.region() != null);
        if (mode != FaceMode.ALIGNED) {
            if (uncertaintyOut != null && settings.uncertainty() != Settings.Uncertainty.NONE) {
                throw new IllegalArgumentException("the uncertainty map is made for aligned clips: restore with faces"
                        + " aligned, or leave the map out");
            }
            return inTheWild(model, device, settings, stack, org.dicface.video.VideoFiles.frameRate(input), job, mode,
                    output, progress);
        }
        settings = settings.withBatch(Batching.choose(settings.batch(), model, device));
        // the frames a sink may still ask for again: the network reads a batch and its windows ahead of the sink
        int window = model.config().frameLength() + settings.batch();
        boolean fullSize = job.keepSize() || job.region() != null || job.task() == Task.INPAINT || job.keepLuminance();
        FrameSink frames = output;
        FrameSink maps = uncertaintyOut == null ? (i, f) -> { } : uncertaintyOut;
        FrameSink uncertainty = fullSize ? Frames.resized(maps, w, h) : maps;
        boolean rereads = job.region() != null || job.task() == Task.INPAINT || job.keepLuminance();
        try (Frames.Memo source = Frames.memo(stack, rereads ? window : 1)) {
            FrameSource prepared;
            FrameSink sink;
            Frames.Memo gray = null;
            switch (job.task()) {
                case RESTORE -> {
                    if (job.region() != null) {
                        Rectangle r = job.region();
                        prepared = Frames.resized(Frames.cropped(source, r), size);
                        sink = Frames.resized(Frames.pasted(frames, source, r, job.feather()), r.width, r.height);
                        uncertainty = Frames.resized(Frames.pasted(maps, zeros(source), r, job.feather()), r.width, r.height);
                    } else {
                        prepared = Frames.resized(source, size);
                        sink = fullSize ? Frames.resized(frames, w, h) : frames;
                    }
                }
                case INPAINT -> {
                    prepared = Frames.resized(Frames.painted(source, job.masks()), size);
                    sink = Frames.resized(Frames.composited(frames, source, job.masks()), w, h);
                }
                case COLORIZE -> {
                    gray = Frames.memo(Frames.grayed(source), job.keepLuminance() ? window : 1);
                    prepared = Frames.resized(gray, size);
                    FrameSink out = job.keepLuminance() ? Frames.keepingLuminance(frames, gray) : frames;
                    sink = fullSize ? Frames.resized(out, w, h) : out;
                }
                default -> throw new IllegalStateException();
            }
            try (Frames.Memo modelSized = Frames.memo(prepared, job.colorFix() ? window : 1)) {
                if (job.colorFix()) {
                    sink = Frames.keepingColorMeans(sink, modelSized);  // model-sized output against the model-sized input
                }
                return new StreamingRestorer(model, device, settings).run(modelSized, sink,
                        uncertaintyOut == null ? null : uncertainty, progress);
            } finally {
                if (gray != null) {
                    gray.close();
                }
            }
        }
    }

    /** Faces found (or given) and tracked in a first pass, restored and pasted back in a second. */
    private static StreamingRestorer.Summary inTheWild(DicFace model, Device device, Settings settings, FrameSource video,
            double fps, Job job, FaceMode mode, FrameSink output, Progress progress) {
        int frames = video.frameCount();
        org.dicface.face.FaceTracks tracks = job.faces().tracks();
        if (tracks == null) {
            // the two passes share one progress: finding is the first half, restoring the second
            tracks = FaceAnalysis.find(video, mode, job.faces().options(), device, fps,
                    Progress.of((done, total) -> progress.frameDone(done, 2 * total), progress::note));
        } else if (mode == FaceMode.LARGEST) {
            tracks = FaceAnalysis.largest(tracks);
        }
        int offset = job.faces().tracks() == null ? frames : 0;
        int total = offset + settings.frames().in(frames).length();
        return FaceRestoration.run(model, device, settings, video, tracks, job, output,
                Progress.of((done, all) -> progress.frameDone(offset + done, total), progress::note));
    }

    /** One-channel zero frames of the source's size: the background an uncertainty map of a region is pasted on. */
    private static FrameSource zeros(FrameSource source) {
        return FrameSource.of(source.frameCount(), source.width(), source.height(),
                i -> org.dicface.torch.Tensor.zeros(1, source.height(), source.width()));
    }
}
