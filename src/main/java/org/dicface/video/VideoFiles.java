package org.dicface.video;

import org.dicface.io.AtomicFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.bytedeco.javacv.Frame;

/**
 * Video files as ImageJ stacks (JavaCV/FFmpeg). Opening keeps the frame rate in the calibration and the
 * source path in the image's properties; clips that would take more than {@link #IN_MEMORY_LIMIT} bytes open
 * as a virtual stack that decodes on demand. Saving writes H.264 MP4 at the calibration's frame rate and,
 * when the stack came from a video with sound, copies that audio across by packet remux.
 */
public final class VideoFiles {
    /** Image property naming the video a stack was opened from. */
    public static final String SOURCE_PROPERTY = "dicface.video.source";
    /** Larger clips open as virtual stacks. */
    public static final long IN_MEMORY_LIMIT = 1L << 30;

    private VideoFiles() {
    }

    public static boolean isVideo(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".mp4") || n.endsWith(".mov") || n.endsWith(".avi") || n.endsWith(".mkv") || n.endsWith(".webm")
                || n.endsWith(".m4v");
    }

    /** Opens a video: in memory, or as a virtual stack when it is long or {@code virtual} is asked for. */
    public static ImagePlus open(Path file, boolean virtual) throws IOException {
        VideoStack stack = new VideoStack(file);
        ImageStack frames = stack;
        long bytes = 4L * stack.getWidth() * stack.getHeight() * stack.getSize();
        if (!virtual && bytes <= IN_MEMORY_LIMIT) {
            frames = stack.decodeAll();
        }
        ImagePlus imp = new ImagePlus(file.getFileName().toString(), frames);
        imp.setDimensions(1, 1, frames.getSize());
        Calibration cal = imp.getCalibration();
        cal.fps = stack.frameRate();
        cal.frameInterval = 1.0 / stack.frameRate();
        cal.setTimeUnit("s");
        imp.setProp(SOURCE_PROPERTY, file.toAbsolutePath().toString());
        return imp;
    }

    /** The frame rate to save at: the calibration's, else 1 / frame interval, else 25. */
    public static double frameRate(ImagePlus imp) {
        Calibration cal = imp.getCalibration();
        if (cal.fps > 0) {
            return cal.fps;
        }
        if (cal.frameInterval > 0 && cal.getTimeUnit().startsWith("s")) {
            return 1.0 / cal.frameInterval;
        }
        return 25;
    }

    /**
     * Saves a stack as H.264 MP4, written atomically; frames go in time order (RGB; gray is replicated).
     * With {@code audioFrom} (default: the video the stack was opened from, if any) its audio is remuxed in.
     */
    public static void save(ImagePlus imp, Path out, Path audioFrom) throws IOException {
        Path audio = audioFrom;
        if (audio == null && imp.getProp(SOURCE_PROPERTY) != null) {
            audio = Path.of(imp.getProp(SOURCE_PROPERTY));
        }
        int frames = Math.max(imp.getNFrames(), imp.getNSlices());
        try (VideoWriter w = new VideoWriter(out, frameRate(imp), ClipWriter.Sound.of(audio != null && Files.exists(audio) ? audio : null))) {
            for (int t = 0; t < frames; t++) {
                int index = imp.getNFrames() > 1 ? imp.getStackIndex(1, 1, t + 1) : imp.getStackIndex(1, t + 1, 1);
                w.write(imp.getStack().getProcessor(index));
            }
            w.commit();
        }
    }

    /**
     * Joins videos made by {@link VideoWriter} for consecutive parts of one clip into {@code out}, without re-encoding,
     * with {@code sound} (the source's, or null); atomic like every output, and read back with all the parts' frames.
     */
    public static void join(java.util.List<Path> parts, ClipWriter.Sound sound, Path out) throws IOException {
        int frames = 0;
        for (Path p : parts) {
            frames += VideoProbe.probe(p).frames();
        }
        try (AtomicFile.Pending pending = AtomicFile.create(out)) {
            if (sound != null && VideoProbe.probe(sound.source()).audio()) {
                try (AtomicFile.Pending video = AtomicFile.create(out)) {
                    Remux.concatenate(parts, video.path());
                    Remux.videoWithAudio(video.path(), sound, pending.path());
                }
            } else {
                Remux.concatenate(parts, pending.path());
            }
            ClipWriter.checkReadBack(VideoProbe.probe(pending.path()).frames(), frames);
            pending.commit();
        }
    }

    /** Frees the decoder behind a stack opened from a video (virtual stacks keep one open); others are left alone. */
    public static void release(ImagePlus imp) {
        if (imp.getStack() instanceof VideoStack v) {
            v.close();
        }
    }

    static boolean hasAudio(Path video) throws IOException {
        return VideoProbe.probe(video).audio();
    }

    /** A BGR24 JavaCV frame as an ImageJ RGB image. */
    static ImageProcessor toProcessor(Frame f) {
        ByteBuffer b = (ByteBuffer) f.image[0];
        int w = f.imageWidth;
        int h = f.imageHeight;
        int stride = f.imageStride;
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            int row = y * stride;
            for (int x = 0; x < w; x++) {
                int i = row + 3 * x;
                px[y * w + x] = 0xff000000 | (b.get(i + 2) & 0xff) << 16 | (b.get(i + 1) & 0xff) << 8 | (b.get(i) & 0xff);
            }
        }
        return new ColorProcessor(w, h, px);
    }
}
