package org.dicface.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import ij.ImagePlus;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.dicface.pipeline.ClipRestorationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Video files in and out: frame rate, frames, pixels after H.264, virtual stacks, audio copied across. */
public class VideoFilesTest {
    @TempDir
    Path dir;

    /** A 10-frame 96x64 clip at 10 fps with one second of a 440 Hz tone. */
    public static Path videoWithSound(Path file) throws IOException {
        ImagePlus clip = ClipRestorationTest.rgbClip(96, 64, 10);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), 96, 64, 1)) {
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(10);
            rec.setVideoBitrate(4_000_000);
            rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            rec.setSampleRate(44100);
            rec.setAudioChannels(1);
            rec.start();
            for (int t = 1; t <= 10; t++) {
                int[] px = (int[]) clip.getStack().getProcessor(t).getPixels();
                java.nio.ByteBuffer bgr = java.nio.ByteBuffer.allocateDirect(96 * 64 * 3);
                for (int c : px) {
                    bgr.put((byte) c).put((byte) (c >> 8)).put((byte) (c >> 16));
                }
                bgr.flip();
                rec.recordImage(96, 64, Frame.DEPTH_UBYTE, 3, 96 * 3, avutil.AV_PIX_FMT_BGR24, bgr);
            }
            short[] tone = new short[44100];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 44100.0));
            }
            rec.recordSamples(44100, 1, ShortBuffer.wrap(tone));
            rec.stop();
        }
        return file;
    }

    public static int audioFrames(Path file) throws IOException {
        int n = 0;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            if (!g.hasAudio()) {
                return 0;
            }
            for (Frame f = g.grabSamples(); f != null; f = g.grabSamples()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void opensWithItsFrameRateAndSavesWithItsAudio() throws IOException {
        Path source = videoWithSound(dir.resolve("in.mp4"));
        ImagePlus imp = VideoFiles.open(source, false);
        assertEquals(96, imp.getWidth());
        assertEquals(64, imp.getHeight());
        assertEquals(10, imp.getNFrames());
        assertEquals(10, imp.getCalibration().fps, 1e-6);
        assertEquals(0.1, imp.getCalibration().frameInterval, 1e-6);
        // pixels survive H.264 closely
        int[] original = (int[]) ClipRestorationTest.rgbClip(96, 64, 10).getStack().getProcessor(4).getPixels();
        int[] decoded = (int[]) imp.getStack().getProcessor(4).getPixels();
        double diff = 0;
        for (int i = 0; i < original.length; i++) {
            diff += Math.abs((original[i] >> 8 & 0xff) - (decoded[i] >> 8 & 0xff));
        }
        assertTrue(diff / original.length < 12, "mean green difference " + diff / original.length);

        Path out = dir.resolve("out.mp4");
        VideoFiles.save(imp, out, null);
        ImagePlus back = VideoFiles.open(out, false);
        assertEquals(10, back.getNFrames());
        assertEquals(10, back.getCalibration().fps, 1e-6);
        int sourceAudio = audioFrames(source);
        assertTrue(sourceAudio > 10);
        assertEquals(sourceAudio, audioFrames(out), "every audio packet copied across");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary file left");
        }
    }

    @Test
    void aStackWithoutSourceSavesVideoOnlyAtItsCalibratedRate() throws IOException {
        ImagePlus clip = ClipRestorationTest.rgbClip(51, 40, 6);  // odd width: cut to even for yuv420p
        clip.getCalibration().fps = 12;
        Path out = dir.resolve("plain.mp4");
        VideoFiles.save(clip, out, null);
        ImagePlus back = VideoFiles.open(out, false);
        assertEquals(6, back.getNFrames());
        assertEquals(50, back.getWidth());
        assertEquals(12, back.getCalibration().fps, 1e-6);
        assertEquals(0, audioFrames(out));
    }

    @Test
    void longVideosOpenAsVirtualStacksThatDecodeOnDemand() throws IOException {
        Path source = videoWithSound(dir.resolve("v.mp4"));
        ImagePlus imp = VideoFiles.open(source, true);
        assertInstanceOf(VideoStack.class, imp.getStack());
        int[] third = (int[]) imp.getStack().getProcessor(3).getPixels();
        int[] first = (int[]) imp.getStack().getProcessor(1).getPixels();  // a jump back seeks
        int[] thirdAgain = (int[]) imp.getStack().getProcessor(3).getPixels();
        assertTrue(java.util.Arrays.equals(third, thirdAgain));
        assertFalse(java.util.Arrays.equals(first, third));
        ImagePlus inMemory = VideoFiles.open(source, false);
        assertTrue(java.util.Arrays.equals(third, (int[]) inMemory.getStack().getProcessor(3).getPixels()));
    }

    @Test
    void aFileThatIsNoVideoIsExplained() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.mp4"), "no video");
        IOException e = assertThrows(IOException.class, () -> VideoFiles.open(bad, false));
        assertTrue(e.getMessage().contains("is not a video file"), e.getMessage());
    }
}
