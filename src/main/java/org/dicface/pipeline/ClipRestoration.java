package org.dicface.pipeline;

import org.dicface.io.Task;
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
     *                      (not official; see {@link Frames#keepingColorMeans})
     */
    public record Job(Task task, Rectangle region, Masks masks, boolean keepSize, boolean keepLuminance, int feather,
            boolean colorFix) {
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
            if (colorFix && task != Task.RESTORE) {
                throw new IllegalArgumentException("the colour fix takes the input's colour balance, which only restoration"
                        + " keeps (inpainting paints its holes white, colorization starts from gray): leave it off for " + task);
            }
        }

        /** Restoration of whole frames at the input's size. */
        public static Job restore() {
            return new Job(Task.RESTORE, null, null, true, false, DEFAULT_FEATHER, false);
        }

        /** Inpainting of the masked pixels (always at the input's size: the rest of each frame is the input's). */
        public static Job inpaint(Masks masks) {
            return new Job(Task.INPAINT, null, masks, true, false, DEFAULT_FEATHER, false);
        }

        /** Colorization at the input's size, the model's luminance. */
        public static Job colorize() {
            return new Job(Task.COLORIZE, null, null, true, false, DEFAULT_FEATHER, false);
        }

        /** Restores only this region of each frame (null: whole frames). */
        public Job withRegion(Rectangle value) {
            return new Job(task, value, masks, keepSize, keepLuminance, feather, colorFix);
        }

        public Job withKeepSize(boolean value) {
            return new Job(task, region, masks, value, keepLuminance, feather, colorFix);
        }

        public Job withKeepLuminance(boolean value) {
            return new Job(task, region, masks, keepSize, value, feather, colorFix);
        }

        public Job withFeather(int value) {
            return new Job(task, region, masks, keepSize, keepLuminance, value, colorFix);
        }

        public Job withColorFix(boolean value) {
            return new Job(task, region, masks, keepSize, keepLuminance, feather, value);
        }
    }

    /** The restored clip, the optional uncertainty maps, and the run's summary. */
    public record Result(ImagePlus output, ImagePlus uncertainty, StreamingRestorer.Summary summary) {
    }

    public static Result run(DicFace model, Device device, Settings settings, ImagePlus input, Job job, Progress progress) {
        FrameSource source = new StackSource(input);
        int w = source.width();
        int h = source.height();
        int size = model.config().imgSize();
        boolean fullSize = job.keepSize() || job.region() != null || job.task() == Task.INPAINT || job.keepLuminance();
        StackSink frames = fullSize ? StackSink.rgb(w, h) : StackSink.rgb(size, size);
        StackSink maps = fullSize ? StackSink.maps(w, h) : StackSink.maps(size, size);
        FrameSink uncertainty = fullSize ? Frames.resized(maps, w, h) : maps;

        FrameSource prepared;
        FrameSink sink;
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
                FrameSource gray = Frames.grayed(source);
                prepared = Frames.resized(gray, size);
                FrameSink out = job.keepLuminance() ? Frames.keepingLuminance(frames, gray) : frames;
                sink = fullSize ? Frames.resized(out, w, h) : out;
            }
            default -> throw new IllegalStateException();
        }
        if (job.colorFix()) {
            sink = Frames.keepingColorMeans(sink, prepared);  // model-sized output against the model-sized input
        }
        StreamingRestorer.Summary summary = new StreamingRestorer(model, device, settings).run(prepared, sink, uncertainty, progress);
        ImagePlus output = frames.image(input.getShortTitle() + "-" + job.task().id());
        output.setCalibration(input.getCalibration().copy());
        String video = input.getProp(org.dicface.video.VideoFiles.SOURCE_PROPERTY);
        if (video != null) {
            output.setProp(org.dicface.video.VideoFiles.SOURCE_PROPERTY, video);  // so its sound goes with it
        }
        ImagePlus map = settings.uncertainty() == Settings.Uncertainty.NONE ? null
                : maps.image(input.getShortTitle() + "-" + settings.uncertainty().name().toLowerCase(java.util.Locale.ROOT));
        if (map != null) {
            map.setCalibration(input.getCalibration().copy());
        }
        return new Result(output, map, summary);
    }

    /** One-channel zero frames of the source's size: the background an uncertainty map of a region is pasted on. */
    private static FrameSource zeros(FrameSource source) {
        return new FrameSource() {
            @Override
            public int frameCount() {
                return source.frameCount();
            }

            @Override
            public int width() {
                return source.width();
            }

            @Override
            public int height() {
                return source.height();
            }

            @Override
            public org.dicface.torch.Tensor frame(int index) {
                return org.dicface.torch.Tensor.zeros(1, source.height(), source.width());
            }
        };
    }
}
