package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;
import org.dicface.pipeline.ClipRestorationTest;
import org.junit.jupiter.api.Test;
import org.scijava.command.CommandModule;

/** Preview Restore, Compare Clips and Batch Restore, headless, against the commands they stand for. */
class GuiCommandsTest extends CommandHarness {

    private static int[] pixels(ImagePlus image, int slice) {
        return rgb((int[]) image.getStack().getProcessor(slice).convertToRGB().getPixels());
    }

    /** The colour bits only (ImageJ keeps or drops the alpha byte depending on how a processor was made). */
    private static int[] rgb(int[] p) {
        return java.util.Arrays.stream(p).map(v -> v & 0xffffff).toArray();
    }

    /** The columns x0 to x0 + w - 1 of an RGB image. */
    private static int[] columns(ImagePlus image, int x0, int w) {
        ColorProcessor cp = (ColorProcessor) image.getProcessor();
        cp.setRoi(x0, 0, w, image.getHeight());
        return rgb((int[]) cp.crop().getPixels());
    }

    @Test
    void thePreviewIsTheFrameTheWholeRunGives() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(40, 36, 7);
        CommandModule whole = run(RestoreFaces.class, "image", clip, "sampling", "sample", "seed", 3L);
        assertNull(whole.getCancelReason(), whole.getCancelReason());
        ImagePlus all = (ImagePlus) whole.getOutput("result");
        for (int frame : new int[] {1, 4, 7}) {
            CommandModule m = run(PreviewRestore.class, "image", clip, "sampling", "sample", "seed", 3L, "frame", frame);
            assertNull(m.getCancelReason(), m.getCancelReason());
            ImagePlus preview = (ImagePlus) m.getOutput("result");
            assertEquals(80, preview.getWidth(), "input and restored side by side");
            assertEquals(1, preview.getStackSize());
            assertEquals(clip.getShortTitle() + "-preview-frame" + frame, preview.getTitle());
            assertArrayEquals(pixels(clip, frame), columns(preview, 0, 40), "the input frame on the left");
            assertArrayEquals(pixels(all, frame), columns(preview, 40, 40), "frame " + frame + " exactly as the whole run's");
            assertTrue(String.valueOf(preview.getProperty("Info")).contains("sampling: sample"), "provenance kept");
        }
        clip.setSlice(2);  // 0: the frame shown
        ImagePlus shown = (ImagePlus) run(PreviewRestore.class, "image", clip, "sampling", "sample", "seed", 3L, "frame", 0).getOutput("result");
        assertArrayEquals(pixels(all, 2), columns(shown, 40, 40));
        CommandModule bad = run(PreviewRestore.class, "image", clip, "frame", 9);
        assertEquals("DicFace preview: the frame must be from 1 to 7 (0: the frame shown), got 9", bad.getCancelReason());
    }

    @Test
    void compareShowsBothClipsFrameByFrame() throws Exception {
        ImagePlus a = ClipRestorationTest.rgbClip(20, 10, 3);
        ImagePlus b = ClipRestorationTest.rgbClip(20, 10, 3);
        b.getStack().getProcessor(2).invert();
        ImagePlus both = (ImagePlus) commands.run(CompareClips.class, true, "before", a, "after", b, "view", "side by side",
                "split", 50).get().getOutput("comparison");
        assertEquals(40, both.getWidth());
        assertEquals(3, both.getStackSize());
        both.setSlice(2);
        assertArrayEquals(pixels(a, 2), columns(both, 0, 20));
        assertArrayEquals(pixels(b, 2), columns(both, 20, 20));
        ImagePlus split = (ImagePlus) commands.run(CompareClips.class, true, "before", a, "after", b, "view", "split",
                "split", 25).get().getOutput("comparison");
        assertEquals(20, split.getWidth());
        split.setSlice(2);
        assertArrayEquals(columns(new ImagePlus("a2", a.getStack().getProcessor(2)), 0, 5), columns(split, 0, 5), "25 %: 5 columns of the first");
        assertArrayEquals(columns(new ImagePlus("b2", b.getStack().getProcessor(2)), 5, 15), columns(split, 5, 15));
        CommandModule bad = commands.run(CompareClips.class, true, "before", a, "after", ClipRestorationTest.rgbClip(20, 10, 2),
                "view", "split", "split", 50).get();
        assertTrue(bad.getCancelReason().endsWith("compare clips of the same size and length"), bad.getCancelReason());
    }

    @Test
    void batchRestoresAFolderAndReportsEachClip() throws Exception {
        Path in = Files.createDirectories(home.resolve("batch-in"));
        Path out = home.resolve("batch-out");
        new ij.io.FileSaver(ClipRestorationTest.rgbClip(40, 36, 3)).saveAsTiffStack(in.resolve("a.tif").toString());
        new ij.io.FileSaver(ClipRestorationTest.rgbClip(30, 30, 4)).saveAsTiffStack(in.resolve("b.tif").toString());
        Files.writeString(in.resolve("c.mp4"), "not a video");
        CommandModule m = run(BatchRestore.class, "clips", in.toFile(), "output", out.toFile(), "task", "restore", "color_fix", false,
                "existing", "stop");
        assertNull(m.getCancelReason(), m.getCancelReason());
        ResultsTable t = (ResultsTable) m.getOutput("outcomes");
        assertEquals(3, t.size());
        assertEquals("done", t.getStringValue("Status", 0));
        assertEquals("done", t.getStringValue("Status", 1));
        assertEquals("failed", t.getStringValue("Status", 2));
        assertEquals(4, (int) t.getValue("Frames", 1));
        assertTrue(((String) m.getOutput("summary")).startsWith("3 clips: 2 done, 0 skipped, 1 failed"), (String) m.getOutput("summary"));
        ImagePlus a = ij.IJ.openImage(out.resolve("a-restore.tif").toString());
        assertEquals(3, a.getStackSize());
        // the same pixels as Restore Faces on the same clip
        ImagePlus direct = (ImagePlus) run(RestoreFaces.class, "image", ClipRestorationTest.rgbClip(40, 36, 3)).getOutput("result");
        assertArrayEquals(pixels(direct, 2), pixels(a, 2));
        // the usual permissions: what a plain new file gets under this umask, not a temporary file's 0600
        Path plain = Files.createFile(home.resolve("plain-" + System.nanoTime()));
        for (String name : new String[] {"a-restore.tif", "summary.json", "a-restore-codebook.csv"}) {
            if (Files.exists(out.resolve(name))) {
                assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out.resolve(name)), name);
            }
        }
        assertTrue(Files.exists(out.resolve("a-restore.tif")) && Files.exists(out.resolve("summary.json")));
        String json = Files.readString(out.resolve("summary.json"));
        assertTrue(json.contains("\"failed\": 1") && json.contains("\"task\": \"restore\""), json);
        CommandModule again = run(BatchRestore.class, "clips", in.toFile(), "output", out.toFile(), "task", "restore", "color_fix",
                false, "existing", "stop");
        assertTrue(again.getCancelReason() != null && again.getCancelReason().contains("exist"), again.getCancelReason());
        CommandModule resumed = run(BatchRestore.class, "clips", in.toFile(), "output", out.toFile(), "task", "restore", "color_fix",
                false, "existing", "resume");
        assertEquals("skipped", ((ResultsTable) resumed.getOutput("outcomes")).getStringValue("Status", 0));
    }
}
