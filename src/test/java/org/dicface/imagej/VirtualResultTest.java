package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ij.ImagePlus;
import org.dicface.model.Fixture;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.ScopedTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** Fiji's disk-backed result for long clips: frames go to a TIFF as they are restored and the result is a virtual stack of it. */
class VirtualResultTest extends ScopedTest {
    static Context context;
    static CommandService commands;
    @TempDir
    static Path home;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        System.setProperty("dicface.home", home.toString());
        context = new Context();
        commands = context.service(CommandService.class);
    }

    @AfterAll
    static void stop() {
        context.dispose();
        System.clearProperty("dicface.home");
    }

    private static CommandModule restore(ImagePlus clip, Object... extra) throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("image", clip);
        inputs.put("weights", Fixture.file("weights.safetensors").toFile());
        inputs.put("config", Fixture.file("config.json").toString());
        inputs.put("sampling", "mean");
        inputs.put("device", "cpu");
        inputs.put("use_selection", false);
        inputs.put("feather", 16);  // values persist between runs, as in Fiji: set every one relied on
        inputs.put("keep_size", true);
        inputs.put("color_fix", false);
        inputs.put("fidelity", 1.0);
        inputs.put("seed", 0L);
        inputs.put("precision", "fp32");
        inputs.put("uncertainty", "none");
        for (int i = 0; i < extra.length; i += 2) {
            inputs.put((String) extra[i], extra[i + 1]);
        }
        return commands.run(RestoreFaces.class, true, inputs).get();
    }

    @Test
    void aResultFileGivesAVirtualStackWithTheSamePixels() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(64, 48, 3);
        CommandModule inMemory = restore(clip);
        assertTrue(!inMemory.isCanceled(), inMemory.getCancelReason());
        ImagePlus held = (ImagePlus) inMemory.getOutput("result");
        Path file = dir.resolve("long-clip");  // no extension: .tif is added
        CommandModule onDisk = restore(clip, "result_file", file.toString(), "uncertainty", "entropy");
        assertTrue(!onDisk.isCanceled(), onDisk.getCancelReason());
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
        CommandModule m = restore(clip, "result_file", own.toString());
        assertTrue(m.isCanceled());
        assertTrue(m.getCancelReason().contains("is the clip's own file"), m.getCancelReason());
        assertArrayEquals(before, Files.readAllBytes(own));
    }
}
