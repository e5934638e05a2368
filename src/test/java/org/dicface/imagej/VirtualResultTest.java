package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import ij.ImagePlus;
import org.dicface.pipeline.ClipRestorationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandModule;

/** Fiji's disk-backed result for long clips: frames go to a TIFF as they are restored and the result is a virtual stack of it. */
class VirtualResultTest extends CommandHarness {
    @TempDir
    Path dir;

    @Test
    void aResultFileGivesAVirtualStackWithTheSamePixels() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(64, 48, 3);
        CommandModule inMemory = run(RestoreFaces.class, "image", clip);
        assertTrue(!inMemory.isCanceled(), inMemory.getCancelReason());
        ImagePlus held = (ImagePlus) inMemory.getOutput("result");
        Path file = dir.resolve("long-clip");  // no extension: .tif is added
        CommandModule onDisk = run(RestoreFaces.class, "image", clip, "result_file", file.toString(), "uncertainty", "entropy");
        assertTrue(!onDisk.isCanceled(), "cancelled: " + onDisk.getCancelReason());
        ImagePlus virtual = (ImagePlus) onDisk.getOutput("result");
        assertTrue(virtual.getStack().isVirtual(), "read from the file on demand");
        assertEquals(3, virtual.getStackSize());
        assertTrue(Files.exists(dir.resolve("long-clip.tif")));
        for (int i = 1; i <= 3; i++) {
            assertArrayEquals((int[]) held.getStack().getPixels(i), (int[]) virtual.getStack().getProcessor(i).getPixels(), "frame " + i);
        }
        ImagePlus maps = (ImagePlus) onDisk.getOutput("uncertainty_map");
        assertNotNull(maps);
        assertEquals(3, maps.getStackSize());
        assertTrue(Files.exists(dir.resolve("long-clip-uncertainty.tif")));
    }

    @Test
    void theClipsOwnFileIsRefused() throws Exception {
        Path own = dir.resolve("clip.tif");
        new ij.io.FileSaver(ClipRestorationTest.rgbClip(40, 40, 2)).saveAsTiffStack(own.toString());
        ImagePlus clip = ij.IJ.openImage(own.toString());
        byte[] before = Files.readAllBytes(own);
        CommandModule m = run(RestoreFaces.class, "image", clip, "result_file", own.toString());
        assertTrue(m.isCanceled());
        assertTrue(m.getCancelReason().contains("is the clip's own file"), m.getCancelReason());
        assertArrayEquals(before, Files.readAllBytes(own));
    }
}
