package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ij.io.FileSaver;
import org.dicface.model.Fixture;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.video.ClipReads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --frames a:b}: a clip restored in segments, each on its own (as on a cluster), is the uninterrupted run
 * pixel for pixel, seeded draws and uncertainty maps included; the segments' files sit side by side.
 */
class SegmentsCliTest {
    @TempDir
    Path dir;

    private CliTest.Run restore(Path out, Path clip, String... more) {
        List<String> args = new ArrayList<>(List.of("restore", "--config", Fixture.file("config.json").toString(), "--weights",
                Fixture.file("weights.safetensors").toString(), "-o", out.toString(), "--device", "cpu", "--seed", "7",
                "--uncertainty", "entropy"));
        args.addAll(List.of(more));
        args.add(clip.toString());
        return CliTest.run(args.toArray(String[]::new));
    }


    @Test
    void segmentsRestoredApartAreTheWholeRun() throws Exception {
        Path clip = dir.resolve("clip.tif");
        new FileSaver(ClipRestorationTest.rgbClip(128, 128, 9)).saveAsTiffStack(clip.toString());
        Path out = dir.resolve("out");
        CliTest.Run whole = restore(out, clip);
        assertEquals(0, whole.exit(), whole.err());
        List<Object> want = ClipReads.frames(out.resolve("clip-restore.tif"));
        List<Object> wantMaps = ClipReads.frames(out.resolve("clip-restore-uncertainty.tif"));
        assertEquals(9, want.size());
        List<Object> got = new ArrayList<>();
        List<Object> gotMaps = new ArrayList<>();
        // uneven cuts, one shorter than the window, a different batch in each
        String[][] cuts = {{"0:1", "1"}, {"1:5", "3"}, {"5:9", "auto"}};
        for (String[] cut : cuts) {
            CliTest.Run r = restore(out, clip, "--frames", cut[0], "--batch", cut[1]);
            assertEquals(0, r.exit(), r.err());
            String suffix = "-frames" + cut[0].replace(':', '-');
            got.addAll(ClipReads.frames(out.resolve("clip-restore" + suffix + ".tif")));
            gotMaps.addAll(ClipReads.frames(out.resolve("clip-restore" + suffix + "-uncertainty.tif")));
            assertTrue(Files.readString(out.resolve("summary" + suffix + ".json")).contains("\"frames\": \"" + cut[0] + "\""));
        }
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals((int[]) want.get(i), (int[]) got.get(i), "frame " + i);
            assertArrayEquals((float[]) wantMaps.get(i), (float[]) gotMaps.get(i), "map " + i);
        }
        // a segment done is skipped on resume; its sum of frames is the segment's, not the clip's
        CliTest.Run again = restore(out, clip, "--frames", "1:5", "--resume");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("skipped"), again.out());
    }

    @Test
    void aRangeBeyondTheClipOrBackwardsIsRefusedWithTheFix() throws Exception {
        Path clip = dir.resolve("short.tif");
        new FileSaver(ClipRestorationTest.rgbClip(128, 128, 3)).saveAsTiffStack(clip.toString());
        Path out = dir.resolve("out");
        CliTest.Run past = restore(out, clip, "--frames", "2:8");
        assertEquals(3, past.exit(), past.out() + past.err());
        assertTrue(past.out().contains("it has 3 frames (0:3 is all of them)"), past.out());
        assertFalse(Files.exists(out.resolve("short-restore-frames2-8.tif")), "nothing is left of a refused segment");
        CliTest.Run backwards = restore(out, clip, "--frames", "5:2");
        assertTrue(backwards.exit() != 0 && backwards.err().contains("0 <= a < b"), backwards.err());
        CliTest.Run words = restore(out, clip, "--frames", "first ten");
        assertTrue(words.exit() != 0 && words.err().contains("give a:b"), words.err());
    }
}
