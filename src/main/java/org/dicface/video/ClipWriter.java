package org.dicface.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ij.process.ImageProcessor;

/**
 * A clip written frame by frame, so no clip is ever held whole: frames go to a temporary name beside the
 * output; {@link #commit} finishes the file, checks that it reads back with every frame written, and only
 * then gives it its final name. Closing without a commit removes what was written.
 */
public interface ClipWriter extends AutoCloseable {
    /** Appends a frame; all frames have the first one's size and type. */
    void write(ImageProcessor frame) throws IOException;

    /** Frames written so far. */
    int frames();

    /** Finishes, verifies and moves the clip in place. */
    void commit() throws IOException;

    @Override
    void close() throws IOException;

    /** What a writer needs to know beyond the frames: how many are expected (for file names), rate and sound (or null). */
    record Options(int expectedFrames, double frameRate, Sound sound) {
        public static Options of(int expectedFrames) {
            return new Options(expectedFrames, 0, null);
        }
    }

    /**
     * The sound that goes with a video's frames: {@code source}'s audio from {@code start} seconds on, for
     * {@code length} seconds (infinite: all of it), remuxed without re-encoding.
     */
    record Sound(Path source, double start, double length) {
        public Sound {
            java.util.Objects.requireNonNull(source, "source");
            if (!(start >= 0) || !(length > 0)) {
                throw new IllegalArgumentException("sound from " + start + " s for " + length + " s");
            }
        }

        /** All of {@code source}'s sound; null for no source. */
        public static Sound of(Path source) {
            return source == null ? null : new Sound(source, 0, Double.POSITIVE_INFINITY);
        }

        /** The sound of a video's frames {@code from} ... {@code from + frames - 1} at {@code frameRate}; null for no source. */
        public static Sound ofFrames(Path source, int from, int frames, double frameRate) {
            return source == null ? null : new Sound(source, from / frameRate, frames / frameRate);
        }
    }

    /**
     * What {@link #commit} checks before the final name: the finished file (under its temporary name) reads back
     * with exactly the frames written.
     */
    static void checkReadBack(int readable, int written) throws IOException {
        if (readable != written) {
            throw new IOException(readable + " of " + written + " frames read back");
        }
    }

    /** A write error in plain words: a full disk is named as such, FFmpeg's error codes become their meaning. */
    static IOException failure(Path file, String what, Exception cause) {
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("error (-\\d+)").matcher(why);
        if (cause instanceof org.bytedeco.javacv.FrameRecorder.Exception && code.find()) {
            int err = Integer.parseInt(code.group(1));
            why = switch (err) {
                case -28 -> "the disk is full";
                case -27 -> "the file would be larger than this system allows (a file size limit)";
                case -13 -> "permission denied";
                default -> {
                    byte[] text = new byte[256];
                    org.bytedeco.ffmpeg.global.avutil.av_strerror(err, text, text.length);
                    String s = new String(text, java.nio.charset.StandardCharsets.UTF_8);
                    yield "FFmpeg failed (" + s.substring(0, Math.max(0, s.indexOf(0))).toLowerCase(java.util.Locale.ROOT) + ")";
                }
            };
        }
        if (why.contains("No space left on device")) {
            why = "the disk is full";
        } else if (why.contains("File too large")) {
            why = "the file would be larger than this system allows (a file size limit)";
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null && Files.getFileStore(dir).getUsableSpace() < (1L << 20)) {
                why = "the disk is full";
            }
        } catch (IOException ignored) {
            // keep the writer's own reason
        }
        return new IOException("could not " + what + " " + file + ": " + why, cause);
    }
}
