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
import ij.process.ByteProcessor;
import org.dicface.model.Fixture;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.ScopedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch commands over TIFF stacks and image folders: outputs, a bad input that does not stop the batch, resume. */
class BatchCliTest extends ScopedTest {
    @TempDir
    Path dir;

    private String[] common(String task, Path out, String... rest) {
        String[] head = {task, "--config", Fixture.file("config.json").toString(), "--weights", Fixture.file("weights.safetensors").toString(),
                "-o", out.toString(), "--sampling", "mean", "--device", "cpu"};
        String[] all = new String[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    @Test
    void restoresStacksAndFoldersReportsABadFileAndResumes() throws Exception {
        Path stack = dir.resolve("clip.tif");
        new FileSaver(ClipRestorationTest.rgbClip(90, 70, 3)).saveAsTiffStack(stack.toString());
        Path folder = Files.createDirectories(dir.resolve("seq"));
        ImagePlus frames = ClipRestorationTest.rgbClip(64, 64, 2);
        for (int i = 1; i <= 2; i++) {
            new FileSaver(new ImagePlus("f", frames.getStack().getProcessor(i))).saveAsPng(folder.resolve("frame" + i + ".png").toString());
        }
        Path bad = Files.writeString(dir.resolve("broken.tif"), "not a tiff");
        Path out = dir.resolve("out");
        Path video = org.dicface.video.VideoFilesTest.videoWithSound(dir.resolve("talk.mp4"));
        CliTest.Run r = CliTest.run(common("restore", out, stack.toString(), bad.toString(), folder.toString(), video.toString()));
        assertEquals(3, r.exit(), "one input failed: " + r.out() + r.err());
        ImagePlus restoredVideo = org.dicface.video.VideoFiles.open(out.resolve("talk-restore.mp4"), false);
        assertEquals(10, restoredVideo.getNFrames());
        assertEquals(10, restoredVideo.getCalibration().fps, 1e-6);
        assertEquals(org.dicface.video.VideoFilesTest.audioFrames(video), org.dicface.video.VideoFilesTest.audioFrames(
                out.resolve("talk-restore.mp4")), "the audio is kept");
        ImagePlus restored = IJ.openImage(out.resolve("clip-restore.tif").toString());
        assertEquals(90, restored.getWidth());
        assertEquals(3, restored.getStackSize());
        try (var pngs = Files.list(out.resolve("seq-restore"))) {
            assertEquals(java.util.List.of("0001.png", "0002.png"), pngs.map(p -> p.getFileName().toString()).sorted().toList());
        }
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"status\": \"failed\"") && summary.contains("broken.tif"), summary);
        assertTrue(summary.contains("\"status\": \"done\""), summary);
        try (var files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".part")), "no partial files");
        }
        long modified = Files.getLastModifiedTime(out.resolve("clip-restore.tif")).toMillis();
        CliTest.Run again = CliTest.run(common("restore", out, "--resume", stack.toString()));
        assertEquals(0, again.exit(), again.err());
        assertEquals(modified, Files.getLastModifiedTime(out.resolve("clip-restore.tif")).toMillis());
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"status\": \"skipped\""));
    }

    /** The same pixels whatever the batch, seeded draws included: 1 frame per step, 3, and the automatic choice. */
    @Test
    void theBatchChangesNoPixel() throws Exception {
        Path stack = dir.resolve("clip.tif");
        new FileSaver(ClipRestorationTest.rgbClip(128, 128, 7)).saveAsTiffStack(stack.toString());
        int[][] first = null;
        for (String batch : new String[] {"1", "3", "auto"}) {
            Path out = dir.resolve("out-" + batch);
            CliTest.Run r = CliTest.run("restore", "--config", Fixture.file("config.json").toString(), "--weights",
                    Fixture.file("weights.safetensors").toString(), "-o", out.toString(), "--device", "cpu", "--seed", "4",
                    "--batch", batch, stack.toString());
            assertEquals(0, r.exit(), r.err());
            ImagePlus restored = IJ.openImage(out.resolve("clip-restore.tif").toString());
            int[][] pixels = new int[restored.getStackSize()][];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (int[]) restored.getStack().getProcessor(i + 1).getPixels();
            }
            if (first == null) {
                first = pixels;
            } else {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first, pixels, "batch " + batch);
            }
        }
    }

    @Test
    void inpaintAndColorizeFromTheCommandLine() throws Exception {
        Path stack = dir.resolve("c.tif");
        new FileSaver(ClipRestorationTest.rgbClip(64, 48, 2)).saveAsTiffStack(stack.toString());
        ByteProcessor m = new ByteProcessor(64, 48);
        m.setColor(255);
        m.fill(new ij.gui.Roi(10, 10, 20, 15));
        Path mask = dir.resolve("mask.tif");
        new FileSaver(new ImagePlus("mask", m)).saveAsTiff(mask.toString());
        Path out = dir.resolve("out");
        CliTest.Run r = CliTest.run(common("inpaint", out, "--mask", mask.toString(), "--uncertainty", "entropy", stack.toString()));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.exists(out.resolve("c-inpaint.tif")));
        assertTrue(Files.exists(out.resolve("c-inpaint-uncertainty.tif")));
        assertEquals(65, Files.readAllLines(out.resolve("c-inpaint-codebook.csv")).size(), "the codebook-usage table");
        r = CliTest.run(common("colorize", out, "--keep-luminance", stack.toString()));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(24, IJ.openImage(out.resolve("c-colorize.tif").toString()).getBitDepth());
        // and measured against the clip it came from
        Path table = out.resolve("eval.csv");
        r = CliTest.run("evaluate", out.resolve("c-inpaint.tif").toString(), "--truth", stack.toString(), "--input", stack.toString(),
                "-o", table.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("2 frames (RGB, crop 4): PSNR") && r.out().contains("(input "), r.out());
        r = CliTest.run("evaluate", out.resolve("c-inpaint.tif").toString(), "--truth", stack.toString(), "-o",
                out.resolve("eval-no-input.csv").toString());
        assertTrue(r.out().contains("output change") && !r.out().contains("(input") && !r.out().contains("NaN"), r.out());
        assertEquals(4, Files.readAllLines(table).size());
        assertTrue(Files.size(out.resolve("eval.png")) > 500);
        // the face figures: a clip against itself has IDS 1, AKD 0 and TLME 0 (the columns named in the README)
        r = CliTest.run("evaluate", stack.toString(), "--truth", stack.toString(), "--face-metrics", "-o", out.resolve("faces.csv").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("IDS 1.0000, AKD 0.000 px, TLME 0.000 px"), r.out());
        assertTrue(Files.readAllLines(out.resolve("faces.csv")).get(0).endsWith(",ids,akd_px,tlme_px"));
        r = CliTest.run("evaluate", stack.toString(), "--face-metrics", "-o", out.resolve("no-truth.csv").toString());
        assertTrue(r.exit() != 0 && r.err().contains("--face-metrics compares with the ground truth: give --truth"), r.err());
    }

    /** A 7-frame 40 x 40 RGB clip to train on, as a TIFF stack. */
    private Path trainingClip() {
        Path clip = dir.resolve("faces.tif");
        new FileSaver(ClipRestorationTest.rgbClip(40, 40, 7)).saveAsTiffStack(clip.toString());
        return clip;
    }

    /** SIGTERM to a training process: it finishes the step, writes the checkpoint, and exits without a crash. */
    @Test
    void aTerminatedTrainingRunWritesItsCheckpointFirst() throws Exception {
        Path clip = trainingClip();
        Path config = Files.writeString(dir.resolve("tiny.json"), org.dicface.train.TrainerTest.TINY.toJson());
        Path ckpt = dir.resolve("ckpt");
        Path log = dir.resolve("train.log");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-Ddicface.native.path=" + System.getProperty("dicface.native.path"), "-cp", System.getProperty("java.class.path"),
                "org.dicface.cli.DicFaceCli", "train", clip.toString(), "--config", config.toString(), "--steps", "100000",
                "--save-every", "100000", "--clips-per-step", "1", "-o", ckpt.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!Files.readString(log).contains("step 3/") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains("step 3/"), Files.readString(log));
            p.destroy();  // SIGTERM
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the process ends");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(out.contains("stopped by a signal; checkpoint written") && !out.contains("fatal error"), out);
        try (var st = org.dicface.io.SafeTensors.open(ckpt.resolve("checkpoint.safetensors"))) {
            assertTrue(Long.parseLong(st.metadata().get("step")) >= 3, st.metadata().get("step"));
        }
    }

    @Test
    void trainsAndResumesFromTheCommandLine() throws Exception {
        Path clip = trainingClip();
        Path config = Files.writeString(dir.resolve("tiny.json"), org.dicface.train.TrainerTest.TINY.toJson());
        Path ckpt = dir.resolve("ckpt");
        String[] args = {"train", clip.toString(), "--config", config.toString(), "--steps", "4", "--save-every", "2",
            "--lr", "1e-3", "--clips-per-step", "1", "-o", ckpt.toString()};
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("step 4/4") && r.err().contains("LPIPS is off"), r.err());
        try (var st = org.dicface.io.SafeTensors.open(ckpt.resolve("checkpoint.safetensors"))) {
            assertEquals("4", st.metadata().get("step"));
            assertTrue(st.entries().containsKey("params_ema.quantize.embedding.weight"));
        }
        String[] more = args.clone();
        more[5] = "6";  // --steps
        String[] resumed = java.util.Arrays.copyOf(more, more.length + 1);
        resumed[more.length] = "--resume";
        r = CliTest.run(resumed);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("resumed at step 4") && r.err().contains("step 6/6"), r.err());
        Path checkpoint = ckpt.resolve("checkpoint.safetensors");
        try (var weights = org.dicface.io.Checkpoints.open(checkpoint);
             var st = org.dicface.io.SafeTensors.open(checkpoint)) {
            assertEquals("params_ema", weights.section(), "inference takes the EMA weights of a training checkpoint");
            var model = new org.dicface.model.DicFace(org.dicface.train.TrainerTest.TINY);
            assertEquals(model.namedParameters().keySet(), weights.shapes().keySet());
            String name = "quantize.embedding.weight";
            double[] loaded = weights.load(name).toDoubleArray();
            assertTrue(java.util.Arrays.equals(loaded, st.load("params_ema." + name).toDoubleArray()));
            assertFalse(java.util.Arrays.equals(loaded, st.load("params." + name).toDoubleArray()), "not the raw weights");
        }
        String[] negative = java.util.Arrays.copyOf(args, args.length + 2);
        negative[args.length] = "--kl-weight";
        negative[args.length + 1] = "-1";
        r = CliTest.run(negative);
        assertTrue(r.exit() != 0 && r.err().contains("KL weight must be a finite number >= 0"), r.err());
        r = CliTest.run("train", clip.toString(), "--config", config.toString(), "--steps", "2", "--clips-per-step", "1",
                "--color-jitter", "0.2", "-o", dir.resolve("jitter").toString());
        assertEquals(0, r.exit(), r.err());
        try (var st = org.dicface.io.SafeTensors.open(dir.resolve("jitter/checkpoint.safetensors"))) {
            assertEquals("0.2", st.metadata().get("color_jitter"));
        }
        r = CliTest.run("train", clip.toString(), "--config", config.toString(), "--color-jitter", "1.5", "-o", dir.resolve("j2").toString());
        assertTrue(r.exit() != 0 && r.err().contains("colour jitter must be in [0, 1)"), r.err());
        if (!org.dicface.torch.Torch.cudaAvailable()) {
            r = CliTest.run("train", clip.toString(), "--config", config.toString(), "--device", "cuda", "-o", dir.resolve("j3").toString());
            assertTrue(r.exit() != 0 && r.err().contains("CUDA was asked for") && r.err().contains("Use --device cpu"), r.err());
            assertFalse(Files.exists(dir.resolve("j3")), "nothing written");
        }
        Path restored = dir.resolve("restored");
        // no --config: the configuration comes from the checkpoint's metadata ("auto")
        r = CliTest.run("restore", "--weights", checkpoint.toString(), "--sampling", "mean",
                "-o", restored.toString(), clip.toString());
        assertEquals(0, r.exit(), r.err());
        ImagePlus fromCheckpoint = IJ.openImage(restored.resolve("faces-restore.tif").toString());
        assertEquals(7, fromCheckpoint.getStackSize());
        // convert keeps the EMA weights and the configuration: the inference file restores exactly the same
        Path inference = dir.resolve("demo.safetensors");
        assertEquals(0, CliTest.run("convert", checkpoint.toString(), inference.toString()).exit());
        try (var st = org.dicface.io.SafeTensors.open(inference)) {
            assertEquals("6", st.metadata().get("step"));
            assertEquals(org.dicface.train.TrainerTest.TINY.toJson(), st.metadata().get("config"));
        }
        CliTest.Run info = CliTest.run("info", inference.toString());
        assertTrue(info.out().contains("matches:    the configuration stored in the file (image size 32)"), info.out());
        Path again = dir.resolve("again");
        r = CliTest.run("restore", "--weights", inference.toString(), "--sampling", "mean", "-o", again.toString(), clip.toString());
        assertEquals(0, r.exit(), r.err());
        ImagePlus fromInference = IJ.openImage(again.resolve("faces-restore.tif").toString());
        for (int i = 1; i <= 7; i++) {
            assertArrayEquals((int[]) fromCheckpoint.getStack().getPixels(i), (int[]) fromInference.getStack().getPixels(i), "frame " + i);
        }
    }
    @Test
    void degradesAClipReproduciblyPerTask() throws Exception {
        Path clip = dir.resolve("faces.tif");
        ImagePlus clean = ClipRestorationTest.rgbClip(64, 48, 6);
        new FileSaver(clean).saveAsTiffStack(clip.toString());
        for (String seed : new String[] {"3", "3", "4"}) {
            Path out = dir.resolve("restore-" + seed + "-" + System.nanoTime() + ".tif");
            assertEquals(0, CliTest.run("degrade", clip.toString(), out.toString(), "--seed", seed).exit());
        }
        java.util.List<int[]> runs = new java.util.ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("restore-")).sorted().toList()) {
                ImagePlus d = IJ.openImage(p.toString());
                assertEquals(6, d.getStackSize());
                assertEquals(64, d.getWidth());
                assertEquals(48, d.getHeight());
                runs.add((int[]) d.getStack().getProcessor(4).getPixels());
            }
        }
        int[] original = (int[]) clean.getStack().getProcessor(4).getPixels();
        assertTrue(java.util.Arrays.equals(runs.get(0), runs.get(1)), "the same seed gives the same clip");
        assertFalse(java.util.Arrays.equals(runs.get(0), runs.get(2)), "another seed, another degradation");
        assertFalse(java.util.Arrays.equals(runs.get(0), original), "the clip is degraded");
        Path gray = dir.resolve("gray.tif");
        assertEquals(0, CliTest.run("degrade", clip.toString(), gray.toString(), "--task", "colorize").exit());
        for (int rgb : (int[]) IJ.openImage(gray.toString()).getStack().getProcessor(2).getPixels()) {
            assertEquals(rgb & 0xff, (rgb >> 8) & 0xff);
            assertEquals(rgb & 0xff, (rgb >> 16) & 0xff);
        }
    }
}
