package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import ij.ImagePlus;
import ij.gui.OvalRoi;
import ij.gui.Roi;
import org.dicface.model.Fixture;
import org.dicface.pipeline.ClipRestorationTest;
import org.junit.jupiter.api.Test;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;

/** The Fiji commands run headless through a SciJava context, as Fiji's macro and headless modes run them. */
class FaceCommandsTest extends CommandHarness {
    /** The menu: every plugins.config entry names a command, through the Java check, with the command's label. */
    @Test
    void theCommandsAreInTheDicFaceMenu() throws Exception {
        java.util.List<String> entries;
        try (var in = FaceCommandsTest.class.getResourceAsStream("/plugins.config")) {
            entries = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("Plugins>DicFace")).toList();
        }
        assertEquals(MacroBridge.COMMANDS.size(), entries.size(), "one menu entry per command");
        java.util.regex.Pattern entry = java.util.regex.Pattern.compile(
                "Plugins>DicFace, \"([^\"]+)\", org\\.dicface\\.boot\\.DicFacePlugin\\(\"([^\"]+)\"\\)");
        for (String line : entries) {
            var m = entry.matcher(line);
            assertTrue(m.matches(), line);
            Class<? extends org.scijava.command.Command> type = MacroBridge.COMMANDS.get(m.group(2));
            assertNotNull(type, line);
            // from the plugin index the annotation processor writes (-proc:full), as SciJava finds commands
            CommandInfo info = commands.getCommands().stream().filter(i -> i.getClassName().equals(type.getName()))
                    .findFirst().orElse(null);
            assertNotNull(info, "indexed by the annotation processor: " + type);
            assertEquals(m.group(1), info.getTitle(), "menu title = command label");
        }
    }

    @Test
    void restoreGivesANewImageAndLeavesTheInputAlone() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(90, 66, 3);
        int[] before = ((int[]) clip.getStack().getProcessor(2).getPixels()).clone();
        CommandModule m = run(RestoreFaces.class, "image", clip, "uncertainty", "concentration");
        assertNull(m.getCancelReason(), m.getCancelReason());
        ImagePlus result = (ImagePlus) m.getOutput("result");
        assertEquals(90, result.getWidth());
        assertEquals(3, result.getNFrames());
        assertNotNull(m.getOutput("uncertainty_map"));
        assertTrue(java.util.Arrays.equals(before, (int[]) clip.getStack().getProcessor(2).getPixels()));
        // provenance: what made the result, with the weights' SHA-256 computed here independently
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        String hex = java.util.HexFormat.of().formatHex(sha.digest(java.nio.file.Files.readAllBytes(Fixture.file("weights.safetensors"))));
        String info = (String) result.getProperty("Info");
        for (String line : new String[] {"DicFace restore", "weights SHA-256: " + hex, "sampling: mean", "seed: 0",
                "fidelity: 1.0", "precision: fp32", "device: cpu", "configuration: " + Fixture.file("config.json")}) {
            assertTrue(info.contains(line), line + " in " + info);
        }
        assertEquals(info, ((ImagePlus) m.getOutput("uncertainty_map")).getProperty("Info"));
    }

    @Test
    void inpaintUsesTheSelectionAndColorizeTheLuminanceOption() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(64, 64, 2);
        clip.setRoi(new OvalRoi(20, 20, 20, 16));
        ImagePlus filled = (ImagePlus) run(InpaintFaces.class, "image", clip).getOutput("result");
        assertEquals(64, filled.getWidth());
        ImagePlus colour = (ImagePlus) run(ColorizeFaces.class, "image", clip, "keep_luminance", true).getOutput("result");
        assertEquals(24, colour.getBitDepth());
    }

    @Test
    void problemsCancelWithAMessageInsteadOfAStackTrace() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(64, 64, 2);
        CommandModule noRegion = run(RestoreFaces.class, "image", clip, "use_selection", true);
        assertTrue(noRegion.getCancelReason().contains("needs a rectangle selection"), noRegion.getCancelReason());
        CommandModule noMask = run(InpaintFaces.class, "image", clip);
        assertTrue(noMask.getCancelReason().contains("draw a selection"), noMask.getCancelReason());
        ImagePlus selected = ClipRestorationTest.rgbClip(64, 64, 2);
        selected.setRoi(new OvalRoi(5, 5, 20, 20));
        CommandModule noWeights = run(InpaintFaces.class, "image", selected, "weights", null);  // no inpaint model is registered
        assertTrue(noWeights.getCancelReason().contains("No weights for 'inpaint'") && noWeights.getCancelReason()
                .contains("register one with Plugins > DicFace > Model Manager"), noWeights.getCancelReason());
        CommandModule badSampling = run(RestoreFaces.class, "image", clip, "sampling", "best");
        assertTrue(badSampling.getCancelReason().contains("unknown sampling 'best'"), badSampling.getCancelReason());
        clip.setRoi(new Roi(0, 0, 32, 32));
        CommandModule region = run(RestoreFaces.class, "image", clip, "use_selection", true);
        assertNull(region.getCancelReason(), region.getCancelReason());
    }

    @Test
    void modelManagerRegistersConvertsAndTheCommandsUseTheRegisteredModel() throws Exception {
        CommandModule refused = commands.run(ModelManager.class, true, "task", "restore", "action", "register file",
                "file", Fixture.file("checkpoint.pth").toFile(), "accept_licence", false).get();
        assertTrue(refused.getCancelReason().contains("NTU S-Lab License 1.0"), refused.getCancelReason());
        CommandModule registered = commands.run(ModelManager.class, true, "task", "restore", "action", "register file",
                "file", Fixture.file("checkpoint.pth").toFile(), "accept_licence", true).get();
        assertNull(registered.getCancelReason(), registered.getCancelReason());
        String expectedSha = org.dicface.io.ModelRegistry.sha256(Fixture.file("checkpoint.pth"));
        assertTrue(((String) registered.getOutput("report")).contains(expectedSha));
        CommandModule converted = commands.run(ModelManager.class, true, "task", "restore", "action", "convert to safetensors",
                "accept_licence", true).get();
        assertNull(converted.getCancelReason(), converted.getCancelReason());
        assertTrue(java.nio.file.Files.exists(home.resolve("models").resolve("restore.safetensors")));
        String shown = (String) commands.run(ModelManager.class, true, "task", "restore", "action", "show", "accept_licence", false)
                .get().getOutput("report");
        assertTrue(shown.contains("restore.safetensors") && shown.contains("inpaint: none"), shown);
        // with no weights given, Restore Faces uses the registered model
        CommandModule m = run(RestoreFaces.class, "image", ClipRestorationTest.rgbClip(40, 40, 1), "weights", null);
        assertNull(m.getCancelReason(), m.getCancelReason());
        assertEquals(40, ((ImagePlus) m.getOutput("result")).getWidth());
    }

    @Test
    void codebookInspectorReportsUsageAndExports() throws Exception {
        Path csv = home.resolve("usage.csv");
        Path codebook = home.resolve("codebook.safetensors");
        CommandModule m = run(CodebookInspector.class, "image", ClipRestorationTest.rgbClip(48, 48, 2), "usage_csv", csv.toFile(),
                "codebook_file", codebook.toFile());
        assertNull(m.getCancelReason(), m.getCancelReason());
        String report = (String) m.getOutput("report");
        assertTrue(report.contains("64 codebook entries") && report.contains("carry 90 %"), report);
        assertNotNull(m.getOutput("usage_plot"));
        assertEquals(65, java.nio.file.Files.readAllLines(csv).size());
        try (var st = org.dicface.io.SafeTensors.open(codebook)) {
            assertEquals(java.util.List.of(64L, 32L), java.util.Arrays.stream(st.entries().get("quantize.embedding.weight").shape())
                    .boxed().toList());
        }
    }

    @Test
    void openAndSaveVideoCarryTheSound() throws Exception {
        Path source = org.dicface.video.VideoFilesTest.videoWithSound(home.resolve("in.mp4"));
        CommandModule opened = commands.run(OpenVideo.class, true, "file", source.toFile(), "virtual", false).get();
        ImagePlus video = (ImagePlus) opened.getOutput("video");
        assertEquals(10, video.getNFrames());
        ImagePlus restored = (ImagePlus) run(RestoreFaces.class, "image", video).getOutput("result");
        Path out = home.resolve("out.mp4");
        CommandModule saved = commands.run(SaveAsVideo.class, true, "image", restored, "file", out.toFile(), "audio_from", null).get();
        assertNull(saved.getCancelReason(), saved.getCancelReason());
        assertEquals(org.dicface.video.VideoFilesTest.audioFrames(source), org.dicface.video.VideoFilesTest.audioFrames(out));
        CommandModule missing = commands.run(OpenVideo.class, true, "file", home.resolve("nope.mp4").toFile(), "virtual", false).get();
        assertTrue(missing.getCancelReason().contains("does not exist"), missing.getCancelReason());
    }

    /** The menu path without a display (Fiji --headless): values come straight from the macro options. */
    @Test
    void theMenuEntryReadsMacroOptionsWithoutADisplay() throws Exception {
        ImagePlus clip = ClipRestorationTest.rgbClip(50, 40, 2);
        clip.setTitle("headless-clip");
        ImagePlus[] made = new ImagePlus[1];
        java.nio.file.Path weights = Fixture.file("weights.safetensors");  // here, so that a missing fixture skips
        java.nio.file.Path config = Fixture.file("config.json");
        Thread t = new Thread(() -> {
            ij.WindowManager.setTempCurrentImage(clip);  // ImageJ keeps the temporary current image per thread
            ij.Macro.setOptions("image=headless-clip weights=" + weights + " config=file config_file="
                    + config + " sampling=mean seed=0 fidelity=1 device=cpu uncertainty=none keep_size feather=16");
            new org.dicface.boot.DicFacePlugin().run("restore");
            made[0] = ij.WindowManager.getTempCurrentImage();
        }, "Run$_headless-test");
        t.start();
        t.join();
        ImagePlus result = made[0];
        assertNotNull(result);
        assertEquals("headless-clip-restore", result.getTitle());
        assertEquals(50, result.getWidth());
    }

    /** With no image open, ImageJ's own "no images" message comes before any dialog or model loading. */
    @Test
    void noImageOpenGivesImageJsMessage() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                ij.Macro.setOptions("sampling=mean");
                new org.dicface.boot.DicFacePlugin().run("restore");
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "Run$_no-image-test");
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            t.start();
            t.join();
        } finally {
            System.setOut(saved);
        }
        assertNull(failure[0]);
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("no images open"), out);
        assertTrue(!out.contains("DicFace restore"), "the command did not run: " + out);
    }

    /** The device choice lists each CUDA device by index after the declared choices. */
    @Test
    void deviceChoicesNameEveryCudaDevice() {
        java.util.List<String> declared = java.util.List.of("auto", "cpu", "cuda");
        assertEquals(declared, MacroBridge.deviceChoices(declared, 0));
        assertEquals(java.util.List.of("auto", "cpu", "cuda", "cuda:0", "cuda:1"), MacroBridge.deviceChoices(declared, 2));
        assertEquals(org.dicface.torch.Device.cuda(1), org.dicface.torch.Device.parse("cuda:1"), "a choice the commands read");
    }

    /** A recorded line means the same without a display: a bare key ticks a checkbox, a left-out one is unticked. */
    @Test
    void checkboxKeywordsReadHeadlessAsTheDialogReadsThem() {
        CommandInfo info = commands.getCommand(RestoreFaces.class);
        org.scijava.module.ModuleItem<?> colorFix = info.getInput("color_fix");
        org.scijava.module.ModuleItem<?> keepSize = info.getInput("keep_size");
        org.scijava.module.ModuleItem<?> feather = info.getInput("feather");
        String recorded = "image=clip sampling=mean color_fix feather=8";
        assertEquals("true", MacroBridge.macroValue(recorded, colorFix));
        assertEquals("false", MacroBridge.macroValue(recorded, keepSize), "left out: unticked, although its default is ticked");
        assertEquals("8", MacroBridge.macroValue(recorded, feather));
        assertEquals("16", MacroBridge.macroValue("image=clip", feather), "left out: the documented default");
        assertEquals("true", MacroBridge.macroValue("keep_size=true", keepSize));
        assertEquals("false", MacroBridge.macroValue("color_fix=false", colorFix));
        assertEquals("false", MacroBridge.macroValue("weights=[/data/color_fix here.pth]", colorFix), "inside a path");
    }

    @Test
    void evaluateClipMeasuresAgainstTheTruth() throws Exception {
        ImagePlus truth = ClipRestorationTest.rgbClip(40, 30, 3);
        ImagePlus restored = (ImagePlus) run(RestoreFaces.class, "image", truth).getOutput("result");
        Path table = home.resolve("eval.csv");
        CommandModule m = commands.run(EvaluateClip.class, true, "image", restored, "truth", truth, "input", null,
                "channels", "y", "crop", 4, "table", table.toFile()).get();
        assertNull(m.getCancelReason(), m.getCancelReason());
        assertTrue(((String) m.getOutput("summary")).contains("PSNR"), (String) m.getOutput("summary"));
        java.util.List<String> csv = java.nio.file.Files.readAllLines(table);
        assertEquals(5, csv.size(), "header, 3 frames, mean");
        assertNotNull(m.getOutput("plot"));
        // the means also as a row of the metrics table: the mean of the three frames' PSNR in the CSV
        double psnr = 0;
        for (String line : csv.subList(1, 4)) {
            psnr += Double.parseDouble(line.split(",")[1]) / 3;
        }
        ij.measure.ResultsTable metrics = (ij.measure.ResultsTable) m.getOutput("metrics");
        int last = metrics.size() - 1;
        assertEquals(psnr, metrics.getValue("PSNR (dB)", last), 1e-3);
        assertEquals(restored.getTitle(), metrics.getStringValue("Clip", last));
        assertEquals(3, metrics.getValue("Frames", last));
        Path plain = java.nio.file.Files.createFile(home.resolve("plain-" + System.nanoTime()));
        assertEquals(java.nio.file.Files.getPosixFilePermissions(plain), java.nio.file.Files.getPosixFilePermissions(table),
                "the table gets the umask's mode, not a temporary file's");
    }

    @Test
    void trainDicFaceRunsAndWritesACheckpoint() throws Exception {
        Path clips = java.nio.file.Files.createDirectories(home.resolve("clips"));
        new ij.io.FileSaver(ClipRestorationTest.rgbClip(40, 40, 6)).saveAsTiffStack(clips.resolve("a.tif").toString());
        Path config = java.nio.file.Files.writeString(home.resolve("tiny.json"), org.dicface.train.TrainerTest.TINY.toJson());
        Path ckpt = home.resolve("ckpt");
        CommandModule m = commands.run(TrainDicFace.class, true, "data", clips.toFile(), "task", "restore", "config", "file",
                "config_file", config.toString(), "init", null, "steps", 3L, "lr", 1e-3, "clips_per_step", 1, "checkpoints", ckpt.toFile(), "save_every", 2L,
                "resume", false).get();
        assertNull(m.getCancelReason(), m.getCancelReason());
        assertTrue(((String) m.getOutput("summary")).startsWith("done after 3 steps"), (String) m.getOutput("summary"));
        assertNotNull(m.getOutput("loss_plot"));
        assertTrue(java.nio.file.Files.exists(ckpt.resolve("checkpoint.safetensors")));
        // a folder without clips: the message names the layout expected
        Path empty = java.nio.file.Files.createDirectories(home.resolve("no-clips"));
        java.nio.file.Files.writeString(empty.resolve(".hidden"), "x");
        CommandModule none = commands.run(TrainDicFace.class, true, "data", empty.toFile(), "task", "restore", "config",
                "file", "config_file", config.toString(), "init", null, "steps", 3L, "checkpoints", ckpt.toFile(), "resume", false).get();
        assertEquals("DicFace Train: " + empty.toFile() + " is empty: it should hold " + TrainDicFace.LAYOUT, none.getCancelReason());
    }
}
