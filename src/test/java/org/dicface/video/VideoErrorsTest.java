package org.dicface.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that is no usable video is refused with what is wrong with it, in words, never FFmpeg's or JavaCV's internals. */
class VideoErrorsTest {
    @TempDir
    Path dir;

    private static String refusal(Path file) {
        IOException e = assertThrows(IOException.class, () -> VideoFiles.open(file, true));
        IllegalArgumentException viaClip = assertThrows(IllegalArgumentException.class, () -> ClipFiles.open(file, true));
        assertEquals(e.getMessage(), viaClip.getMessage(), "the same message through ClipFiles");
        for (String internal : new String[] {"setFormat", "avformat", "error -", "Exception"}) {
            assertFalse(e.getMessage().contains(internal), e.getMessage());
        }
        return e.getMessage();
    }

    @Test
    void eachKindOfBadFileIsNamed() throws Exception {
        assertTrue(refusal(dir.resolve("missing.mp4")).endsWith("missing.mp4 does not exist"));
        assertTrue(refusal(Files.createFile(dir.resolve("empty.mp4"))).endsWith("empty.mp4 is empty (0 bytes)"));
        assertTrue(refusal(Files.writeString(dir.resolve("notes.mp4"), "these are my notes, not a video"))
                .endsWith("notes.mp4 is not a video file (FFmpeg recognises no video format in it)"));

        Path good = VideoFilesTest.videoWithSound(dir.resolve("good.mp4"));
        Path cut = dir.resolve("cut.mp4");
        Files.copy(good, cut);
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);  // as a disk that filled up left it: no index at the end
        }
        String m = refusal(cut);
        assertTrue(m.contains("cut.mp4 is a truncated or damaged MP4/MOV file") && m.contains("moov"), m);

        Path sound = dir.resolve("sound.m4v");
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(sound.toFile(), 1)) {
            rec.setFormat("mp4");
            rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            rec.setSampleRate(44100);
            rec.start();
            rec.recordSamples(44100, 1, ShortBuffer.wrap(new short[44100]));
            rec.stop();
        }
        assertTrue(refusal(sound).endsWith("sound.m4v has no video stream (only sound)"), refusal(sound));
    }

    @Test
    void theProbeCountsTheFramesExactly() throws Exception {
        Path good = VideoFilesTest.videoWithSound(dir.resolve("good.mp4"));
        VideoProbe.Info info = VideoProbe.probe(good);
        assertEquals(10, info.frames());
        assertEquals(96, info.width());
        assertEquals(64, info.height());
        assertEquals(10, info.frameRate(), 1e-6);
        assertTrue(info.audio());
        assertEquals("h264", info.codec());
        assertEquals(10, VideoFiles.open(good, true).getStackSize(), "a virtual stack has the exact count, not an estimate");
    }
}
