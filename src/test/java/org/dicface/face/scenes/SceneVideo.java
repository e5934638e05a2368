package org.dicface.face.scenes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * A scene as an ordinary video with sound, for the tests that check that restoring keeps the size, frame rate
 * and audio: H.264 MP4 at a chosen frame rate with an AAC track of a {@link #TONE_HZ} Hz tone as long as the video.
 */
public final class SceneVideo {
    public static final int TONE_HZ = 440;
    public static final int SAMPLE_RATE = 44100;
    /** NTSC's 30000/1001 frames a second, a rate that is not a whole number. */
    public static final double NTSC = 30000.0 / 1001;

    private SceneVideo() {
    }

    /** Writes every frame of {@code scene} to {@code file} at {@code fps}; returns {@code file}. */
    public static Path write(Scene scene, Path file, double fps) throws IOException {
        int w = scene.width();
        int h = scene.height();
        if (w % 2 != 0 || h % 2 != 0) {
            throw new IllegalArgumentException("H.264 (yuv420p) needs an even frame size, the scene is " + w + "x" + h);
        }
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), w, h, 1)) {
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(fps);
            rec.setVideoBitrate((int) Math.min(20_000_000, Math.max(2_000_000, 0.3 * w * h * fps)));
            rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            rec.setSampleRate(SAMPLE_RATE);
            rec.setAudioChannels(1);
            rec.start();
            ByteBuffer bgr = ByteBuffer.allocateDirect(w * h * 3);
            for (int i = 0; i < scene.frameCount(); i++) {
                int[] px = (int[]) scene.image(i).getPixels();
                bgr.clear();
                for (int c : px) {
                    bgr.put((byte) c).put((byte) (c >> 8)).put((byte) (c >> 16));
                }
                bgr.flip();
                rec.recordImage(w, h, Frame.DEPTH_UBYTE, 3, w * 3, avutil.AV_PIX_FMT_BGR24, bgr);
            }
            rec.recordSamples(SAMPLE_RATE, 1, ShortBuffer.wrap(tone(scene.frameCount() / fps)));
            rec.stop();
        }
        return file;
    }

    /** {@code seconds} of the tone, 16-bit mono. */
    public static short[] tone(double seconds) {
        short[] s = new short[(int) Math.round(seconds * SAMPLE_RATE)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * TONE_HZ * i / SAMPLE_RATE));
        }
        return s;
    }
}
