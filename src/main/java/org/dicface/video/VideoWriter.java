package org.dicface.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.dicface.io.AtomicFile;

/**
 * An H.264 MP4 written one frame at a time (RGB; gray is replicated; odd sizes lose their last row or
 * column, as yuv420p needs even ones), with the audio of another video remuxed in at the end. FFmpeg
 * ignores some write errors (those of the trailer, which holds the index), so the finished file is read
 * back and must hold every frame before it gets its name.
 */
public final class VideoWriter implements ClipWriter {
    private final AtomicFile.Pending pending;
    private final double frameRate;
    private final ClipWriter.Sound sound;
    private FFmpegFrameRecorder recorder;
    private ByteBuffer bgr;
    private int width;
    private int height;
    private int frames;

    /** @param sound the sound that goes with the frames (a video's, or part of it), or null */
    public VideoWriter(Path output, double frameRate, ClipWriter.Sound sound) throws IOException {
        this.frameRate = frameRate > 0 ? frameRate : 25;
        this.sound = sound != null && Files.isRegularFile(sound.source()) && VideoProbe.probe(sound.source()).audio() ? sound : null;
        this.pending = AtomicFile.create(output);
    }

    @Override
    public void write(ImageProcessor frame) throws IOException {
        try {
            if (recorder == null) {
                start(frame.getWidth(), frame.getHeight());
            } else if ((frame.getWidth() & ~1) != width || (frame.getHeight() & ~1) != height) {
                throw new IllegalArgumentException("frame " + (frames + 1) + " is " + frame.getWidth() + "x" + frame.getHeight()
                        + ", the first was " + width + "x" + height);
            }
            int[] px = (int[]) (frame instanceof ColorProcessor ? frame : frame.convertToColorProcessor()).getPixels();
            int stride = frame.getWidth();
            bgr.clear();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int c = px[y * stride + x];
                    bgr.put((byte) c).put((byte) (c >> 8)).put((byte) (c >> 16));
                }
            }
            bgr.flip();
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_BGR24, bgr);
            frames++;
        } catch (FFmpegFrameRecorder.Exception e) {
            throw ClipWriter.failure(pending.target(), "write", e);
        }
    }

    private void start(int w, int h) throws FFmpegFrameRecorder.Exception {
        width = w & ~1;
        height = h & ~1;
        if (width == 0 || height == 0) {
            throw new IllegalArgumentException("a video needs frames of at least 2x2 pixels, got " + w + "x" + h);
        }
        Ffmpeg.init();
        recorder = new FFmpegFrameRecorder(pending.path().toFile(), width, height, 0);
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(frameRate);
        // openh264 (the H.264 encoder of this FFmpeg build) has no CRF: a generous bit rate keeps detail
        recorder.setVideoBitrate((int) Math.min(50_000_000, Math.max(2_000_000, 0.3 * width * height * frameRate)));
        recorder.start();
        bgr = ByteBuffer.allocateDirect(width * height * 3);
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void commit() throws IOException {
        if (frames == 0) {
            throw new IOException("no frames to write to " + pending.target());
        }
        try {
            recorder.stop();
            recorder.release();
            recorder = null;
            if (sound != null) {
                try (AtomicFile.Pending video = AtomicFile.create(pending.target())) {
                    Files.move(pending.path(), video.path(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Remux.videoWithAudio(video.path(), sound, pending.path());
                }
            }
            ClipWriter.checkReadBack(VideoProbe.probe(pending.path()).frames(), frames);
        } catch (IOException e) {
            throw ClipWriter.failure(pending.target(), "write", e);
        }
        pending.commit();
    }

    @Override
    public void close() throws IOException {
        try {
            if (recorder != null) {
                recorder.release();
            }
        } catch (FFmpegFrameRecorder.Exception ignored) {
            // the file is removed anyway
        } finally {
            recorder = null;
            pending.close();
        }
    }
}
