package org.dicface.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import org.dicface.io.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output names come from one place, never collide with each other or an input, and existing files are kept unless asked. */
class OutputsTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfInputGetsDistinctOutputsOfItsKind() throws Exception {
        Path out = dir.resolve("out");
        Path video = Files.writeString(dir.resolve("talk.MP4"), "");
        Path folder = Files.createDirectories(dir.resolve("seq"));
        Path stack = Files.writeString(dir.resolve("clip.tif"), "");
        Outputs v = Outputs.of(video, out, Task.RESTORE, true, FrameRange.ALL);
        assertEquals(out.toAbsolutePath().resolve("talk-restore.mp4"), v.clip());
        assertEquals(out.toAbsolutePath().resolve("talk-restore-uncertainty.tif"), v.uncertainty(), "not over the video");
        assertEquals(out.toAbsolutePath().resolve("talk-restore-codebook.csv"), v.codebook());
        Outputs f = Outputs.of(folder, out, Task.COLORIZE, true, FrameRange.ALL);
        assertEquals(out.toAbsolutePath().resolve("seq-colorize"), f.clip());
        assertEquals(out.toAbsolutePath().resolve("seq-colorize-uncertainty.tif"), f.uncertainty(), "not into the PNG folder");
        Outputs s = Outputs.of(stack, out, Task.INPAINT, false, FrameRange.ALL);
        assertEquals(out.toAbsolutePath().resolve("clip-inpaint.tif"), s.clip());
        assertEquals(null, s.uncertainty());
        assertEquals(List.of(s.clip(), s.codebook()), s.files());
        for (Outputs o : List.of(v, f, s)) {
            assertEquals(o.files().size(), new HashSet<>(o.files()).size(), "distinct: " + o.files());
            assertTrue(o.files().stream().noneMatch(p -> p.equals(Outputs.summary(out, FrameRange.ALL))));
        }
        assertEquals(out.toAbsolutePath().resolve("x-restore-uncertainty.tif"), Outputs.uncertaintyFor(out.resolve("x-restore.mp4")));
    }

    @Test
    void anOutputThatIsAnInputIsRefused() throws Exception {
        Path a = Files.writeString(dir.resolve("a.tif"), "a");
        Path aRestored = Files.writeString(dir.resolve("a-restore.tif"), "an input too");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Outputs.plan(List.of(a, aRestored), dir, Task.RESTORE, false, FrameRange.ALL, Outputs.Existing.REPLACE));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().resolve("a-restore.tif") + " is an input and would be overwritten"),
                e.getMessage());
        // also through a link, and with --resume
        Path link = Files.createSymbolicLink(dir.resolve("b.tif"), a);
        Files.createDirectories(dir.resolve("o"));
        Path linkedOutput = Files.createSymbolicLink(dir.resolve("o/b-restore.tif"), a);
        Path b = dir.resolve("o/../b.tif");
        e = assertThrows(IllegalArgumentException.class,
                () -> Outputs.plan(List.of(b, a), dir.resolve("o"), Task.RESTORE, false, FrameRange.ALL, Outputs.Existing.RESUME));
        assertTrue(e.getMessage().contains(linkedOutput.toAbsolutePath() + " is an input"), e.getMessage());
        assertTrue(Files.exists(link));
    }

    @Test
    void twoInputsWithOneOutputAndOutputsInsideAnInputFolderAreRefused() throws Exception {
        Path tif = Files.writeString(dir.resolve("a.tif"), "");
        Path png = Files.writeString(dir.resolve("a.png"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Outputs.plan(List.of(tif, png), dir.resolve("out"), Task.RESTORE, false, FrameRange.ALL, Outputs.Existing.REFUSE));
        assertTrue(e.getMessage().contains("would both be written to " + dir.resolve("out").toAbsolutePath().resolve("a-restore.tif")),
                e.getMessage());
        Path seq = Files.createDirectories(dir.resolve("seq"));
        e = assertThrows(IllegalArgumentException.class,
                () -> Outputs.plan(List.of(seq), seq, Task.RESTORE, true, FrameRange.ALL, Outputs.Existing.REFUSE));
        assertTrue(e.getMessage().contains("inside the input folder " + seq.toAbsolutePath()), e.getMessage());
    }

    @Test
    void anExistingOutputIsReplacedOnlyWhenAsked() throws Exception {
        Path a = Files.writeString(dir.resolve("a.tif"), "");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("a-restore.tif"), "someone's file");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Outputs.plan(List.of(a), out, Task.RESTORE, false, FrameRange.ALL, Outputs.Existing.REFUSE));
        assertTrue(e.getMessage().contains("a-restore.tif exists already: resume (--resume") && e.getMessage().contains("overwrite replaces"),
                e.getMessage());
        assertEquals(1, Outputs.plan(List.of(a), out, Task.RESTORE, false, FrameRange.ALL, Outputs.Existing.RESUME).size());
        assertEquals(1, Outputs.plan(List.of(a), out, Task.RESTORE, false, FrameRange.ALL, Outputs.Existing.REPLACE).size());
        assertEquals("someone's file", Files.readString(out.resolve("a-restore.tif")), "planning writes nothing");
    }
}
