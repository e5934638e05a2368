package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.video.VideoFiles;
import org.dicface.video.VideoFilesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dicface sample-clip}: hand-held motion from a still, real consecutive frames from a video, clear refusals. */
class SampleClipCliTest {
    @TempDir
    Path dir;

    private static int[] pixels(ImageProcessor ip, int left, int top, int side) {
        ip.setRoi(left, top, side, side);
        return (int[]) ip.crop().getPixels();
    }

    @Test
    void aStillMovesLikeAHandHeldCamera() throws Exception {
        Path photo = dir.resolve("face.png");
        new FileSaver(new ImagePlus("face", ClipRestorationTest.rgbClip(120, 100, 1).getProcessor())).saveAsPng(photo.toString());
        Path clip = dir.resolve("clip.tif");
        CliTest.Run r = CliTest.run("sample-clip", "--crop", "10,20,40", "--size", "40", "--frames", "4", photo.toString(), clip.toString());
        assertEquals(0, r.exit(), r.err());
        ImagePlus out = IJ.openImage(clip.toString());
        assertEquals(4, out.getNFrames());
        assertEquals(40, out.getWidth());
        ImageProcessor still = IJ.openImage(photo.toString()).getProcessor();
        // the camera's path (2.5 t + 3 sin 0.9t, 1.2 t + 2 cos 0.7t) starts 2 pixels down
        assertArrayEquals(pixels(still, 10, 22, 40), (int[]) out.getStack().getProcessor(1).getPixels(), "frame 1 is the crop");
        // frame 2: moved to (+5, +3) and 3.8 % brighter (1 + 0.08 sin 0.5)
        int[] moved = pixels(still, 15, 23, 40);
        int[] second = (int[]) out.getStack().getProcessor(2).getPixels();
        for (int i = 0; i < moved.length; i++) {
            int expectedRed = Math.min(255, (int) Math.round(((moved[i] >> 16) & 0xff) * (1 + 0.08 * Math.sin(0.5))));
            assertEquals(expectedRed, (second[i] >> 16) & 0xff, 1.0, "pixel " + i);
        }
    }

    @Test
    void aVideoGivesItsOwnConsecutiveFrames() throws Exception {
        Path video = VideoFilesTest.videoWithSound(dir.resolve("talk.mp4"));
        Path clip = dir.resolve("clip.tif");
        CliTest.Run r = CliTest.run("sample-clip", "--crop", "30,8,48", "--size", "48", "--first", "3", "--frames", "4",
                video.toString(), clip.toString());
        assertEquals(0, r.exit(), r.err());
        ImagePlus out = IJ.openImage(clip.toString());
        ImagePlus source = VideoFiles.open(video, false);
        assertEquals(4, out.getNFrames());
        assertEquals(10, out.getCalibration().fps, 1e-9, "the video's frame rate");
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(pixels(source.getStack().getProcessor(3 + t), 30, 8, 48), (int[]) out.getStack().getProcessor(t + 1).getPixels(),
                    "frame " + (t + 1) + " is video frame " + (t + 3) + ", cropped and not moved");
        }
    }

    @Test
    void gainsChangeTheWhiteBalance() throws Exception {
        Path video = VideoFilesTest.videoWithSound(dir.resolve("talk.mp4"));
        Path plain = dir.resolve("plain.tif");
        Path tinted = dir.resolve("tinted.tif");
        assertEquals(0, CliTest.run("sample-clip", "--crop", "0,0,64", "--size", "64", "--frames", "2", video.toString(), plain.toString()).exit());
        CliTest.Run r = CliTest.run("sample-clip", "--crop", "0,0,64", "--size", "64", "--frames", "2", "--gains", "1.2,1,0.5",
                video.toString(), tinted.toString());
        assertEquals(0, r.exit(), r.err());
        int[] a = (int[]) IJ.openImage(plain.toString()).getStack().getProcessor(2).getPixels();
        int[] b = (int[]) IJ.openImage(tinted.toString()).getStack().getProcessor(2).getPixels();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Math.min(255, Math.round(((a[i] >> 16) & 0xff) * 1.2)), (b[i] >> 16) & 0xff, "red of pixel " + i);
            assertEquals((a[i] >> 8) & 0xff, (b[i] >> 8) & 0xff, "green of pixel " + i);
            assertEquals(Math.round((a[i] & 0xff) * 0.5), b[i] & 0xff, "blue of pixel " + i);
        }
        CliTest.Run bad = CliTest.run("sample-clip", "--crop", "0,0,64", "--gains", "1,1", video.toString(), dir.resolve("x.tif").toString());
        assertTrue(bad.err().contains("--gains takes red,green,blue multipliers, not 1,1"), bad.err());
    }

    @Test
    void framesOrACropOutsideTheSourceAreRefusedWithTheirLimits() throws Exception {
        Path video = VideoFilesTest.videoWithSound(dir.resolve("talk.mp4"));
        Path clip = dir.resolve("clip.tif");
        CliTest.Run late = CliTest.run("sample-clip", "--crop", "0,0,32", "--first", "8", "--frames", "5", video.toString(), clip.toString());
        assertEquals(1, late.exit());
        assertTrue(late.err().contains("has 10 frames: frames 8 to 12 are not all there"), late.err());
        CliTest.Run big = CliTest.run("sample-clip", "--crop", "0,0,65", video.toString(), clip.toString());
        assertTrue(big.err().contains("--crop size 65 does not fit in the 96 x 64"), big.err());
        assertFalse(Files.exists(clip), "nothing is written");
    }
}
