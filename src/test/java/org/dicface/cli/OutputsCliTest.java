package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import org.dicface.model.Fixture;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.ScopedTest;
import org.dicface.video.ClipFiles;
import org.dicface.video.VideoFiles;
import org.dicface.video.VideoFilesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch's outputs from the command line: every output has a name of its own (the uncertainty map never
 * lands on the video), an output never replaces an input or a file of an earlier run unless asked, an
 * unwritable folder fails before any work, --resume redoes what is incomplete, stale temporaries go, bad
 * videos and high bit depths are explained.
 */
class OutputsCliTest extends ScopedTest {
    @TempDir
    Path dir;

    private static String[] restore(Path out, String... rest) {
        String[] head = {"restore", "--config", Fixture.file("config.json").toString(), "--weights",
            Fixture.file("weights.safetensors").toString(), "-o", out.toString(), "--sampling", "mean", "--device", "cpu"};
        String[] all = java.util.Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    private Path stack(String name, int frames) {
        Path p = dir.resolve(name);
        new FileSaver(ClipRestorationTest.rgbClip(48, 40, frames)).saveAsTiffStack(p.toString());
        return p;
    }

    @Test
    void theUncertaintyMapOfAVideoGoesBesideIt() throws Exception {
        Path video = VideoFilesTest.videoWithSound(dir.resolve("talk.mp4"));
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run(restore(out, "--uncertainty", "entropy", video.toString()));
        assertEquals(0, r.exit(), r.out() + r.err());
        ImagePlus restored = VideoFiles.open(out.resolve("talk-restore.mp4"), false);
        assertEquals(10, restored.getStackSize(), "the restored video is intact");
        assertEquals(VideoFilesTest.audioFrames(video), VideoFilesTest.audioFrames(out.resolve("talk-restore.mp4")));
        ImagePlus maps = IJ.openImage(out.resolve("talk-restore-uncertainty.tif").toString());
        assertEquals(10, maps.getStackSize());
        assertEquals(32, maps.getBitDepth());
        assertEquals(96, maps.getWidth());
        assertTrue(Files.exists(out.resolve("talk-restore-codebook.csv")));
    }

    @Test
    void anInputOrAnEarlierOutputIsNeverReplacedUnlessAsked() throws Exception {
        Path a = stack("a.tif", 2);
        Path aRestored = stack("a-restore.tif", 2);
        byte[] before = Files.readAllBytes(aRestored);
        CliTest.Run r = CliTest.run(restore(dir, a.toString(), aRestored.toString()));
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains(aRestored.toAbsolutePath() + " is an input and would be overwritten"), r.err());
        assertFalse(r.err().contains("frames"), "refused before any frame: " + r.err());
        assertArrayEquals(before, Files.readAllBytes(aRestored));
        r = CliTest.run(restore(dir, "--overwrite", a.toString()));  // a-restore.tif is no input now, and replacing it was asked
        assertEquals(0, r.exit(), r.err());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(aRestored)));

        Path out = Files.createDirectories(dir.resolve("out"));
        Path mine = Files.writeString(out.resolve("a-restore.tif"), "my own notes");
        r = CliTest.run(restore(out, a.toString()));
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("a-restore.tif exists already"), r.err());
        assertEquals("my own notes", Files.readString(mine));
        r = CliTest.run(restore(out, "--resume", "--overwrite", a.toString()));
        assertTrue(r.exit() != 0 && r.err().contains("--resume and --overwrite exclude each other"), r.err());
    }

    @Test
    void anUnwritableOutputFolderFailsBeforeAnyWork() throws Exception {
        Path a = stack("a.tif", 2);
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        CliTest.Run r = CliTest.run(restore(file.resolve("out"), a.toString()));
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("cannot create the output folder " + file.resolve("out").toAbsolutePath()), r.err());
        assertFalse(r.err().contains("frames"), "refused before any frame: " + r.err());
    }

    @Test
    void resumeSkipsCompleteOutputsAndRedoesTruncatedOnes() throws Exception {
        Path a = stack("a.tif", 3);
        Path b = stack("b.tif", 3);
        Path video = VideoFilesTest.videoWithSound(dir.resolve("talk.mp4"));
        Path out = dir.resolve("out");
        assertEquals(0, CliTest.run(restore(out, a.toString(), b.toString(), video.toString())).exit());
        Path aOut = out.resolve("a-restore.tif");
        Path bOut = out.resolve("b-restore.tif");
        Path vOut = out.resolve("talk-restore.mp4");
        long aTime = Files.getLastModifiedTime(aOut).toMillis();
        for (Path cut : new Path[] {bOut, vOut}) {
            try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() * 2 / 3);  // what a full disk left behind in an earlier version
            }
        }
        assertEquals(0, ClipFiles.countFrames(vOut));
        // a killed run's temporaries, and one of a live process that must stay
        long dead = org.dicface.io.AtomicFileTest.deadPid();
        Path stale = Files.writeString(out.resolve(".b-restore.tif." + dead + ".5e.part"), "half");
        Path live = Files.writeString(out.resolve(".b-restore.tif." + ProcessHandle.current().pid() + ".6f.part"), "busy");
        CliTest.Run r = CliTest.run(restore(out, "--resume", a.toString(), b.toString(), video.toString()));
        assertEquals(0, r.exit(), r.out() + r.err());
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"status\": \"skipped\""), summary);
        assertEquals(2, summary.split("redone: the earlier output was incomplete", -1).length - 1, summary);
        assertEquals(aTime, Files.getLastModifiedTime(aOut).toMillis(), "the complete output is kept");
        assertEquals(3, ClipFiles.countFrames(bOut));
        assertEquals(10, ClipFiles.countFrames(vOut));
        assertFalse(Files.exists(stale), "the killed run's temporary is gone");
        assertTrue(Files.exists(live), "a running writer's temporary stays");
    }

    @Test
    void badVideosAndHighBitDepthsAreExplained() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.mp4"), "not a video");
        ImageStack s = new ImageStack(40, 32);
        for (int t = 0; t < 2; t++) {
            short[] px = new short[40 * 32];
            for (int i = 0; i < px.length; i++) {
                px[i] = (short) (i * 3 + t * 100);
            }
            s.addSlice(new ShortProcessor(40, 32, px, null));
        }
        ImagePlus deep = new ImagePlus("deep", s);
        deep.setDisplayRange(0, 4095);
        Path deepFile = dir.resolve("deep.tif");
        new FileSaver(deep).saveAsTiffStack(deepFile.toString());
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run(restore(out, notes.toString(), deepFile.toString()));
        assertEquals(3, r.exit(), "one input failed");
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("notes.mp4 is not a video file"), summary);
        assertFalse(summary.contains("setFormat") || summary.contains("avformat"), summary);
        assertTrue(summary.contains("16-bit input: its display range [0, 4095] was mapped to 0-255 and the output is 8-bit RGB"),
                summary);
        assertTrue(r.out().contains("[16-bit input"), r.out());
        assertEquals(24, IJ.openImage(out.resolve("deep-restore.tif").toString()).getBitDepth());
    }
}
