package org.dicface.cli;

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
import org.dicface.torch.Device;
import org.dicface.train.TrainingJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Options refused on the command line before any work: exit status, the one message, nothing written. */
class OptionsCliTest {
    @TempDir
    Path dir;

    /** What a cluster's executors parse: the same line with its paths absolute, everything else word for word. */
    @Test
    void aCommandLineForOtherProcessesHasAbsolutePaths() throws Exception {
        Path here = Path.of("").toAbsolutePath();
        Path config = Files.createTempFile(here.resolve("target"), "cfg", ".json");
        try {
            String relConfig = here.relativize(config).toString();
            List<String> line = List.of("restore", "--weights", "w.safetensors", "--config=" + relConfig, "-o", "out", "--seed", "3",
                    "--faces", "all", "--tracks", "t.json", "--color-fix", "--device", "cpu", "a.tif", "/abs/b.mp4", "--", "-odd.tif");
            List<String> expected = List.of("restore", "--weights", here.resolve("w.safetensors").toString(), "--config=" + config, "-o",
                    here.resolve("out").toString(), "--seed", "3", "--faces", "all", "--tracks", here.resolve("t.json").toString(),
                    "--color-fix", "--device", "cpu", here.resolve("a.tif").toString(), "/abs/b.mp4", "--",
                    here.resolve("-odd.tif").toString());
            assertEquals(expected, DicFaceCli.withAbsolutePaths(line));
            // a configuration named, not a file: left as it is
            assertEquals(List.of("inpaint", "--config", "official", "--mask", here.resolve("m.png").toString()),
                    DicFaceCli.withAbsolutePaths(List.of("inpaint", "--config", "official", "--mask", "m.png")));
        } finally {
            Files.delete(config);
        }
    }

    @Test
    void aWrongTaskIsRefusedWithTheChoices() {
        for (String command : new String[] {"train", "degrade"}) {
            String[] args = command.equals("train")
                    ? new String[] {"train", "--task", "denoise", "-o", dir.toString(), dir.toString()}
                    : new String[] {"degrade", "--task", "denoise", dir.resolve("a.tif").toString(), dir.resolve("b.tif").toString()};
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("Invalid value for option '--task': unknown task 'denoise': use restore, inpaint or colorize"),
                    r.err());
        }
    }

    /** Each refused restore option, with its message: checked against the model (codebook of 64) before anything is restored. */
    @Test
    void restorationOptionsAreCheckedAgainstTheModelBeforeAnyWork() {
        Path clip = dir.resolve("clip.tif");
        new FileSaver(ClipRestorationTest.rgbClip(32, 32, 2)).saveAsTiffStack(clip.toString());
        String[][] cases = {
            {"--fidelity", "NaN", "the fidelity weight must be a number from 0 to 1, got NaN"},
            {"--fidelity", "1.5", "the fidelity weight must be a number from 0 to 1, got 1.5"},
            {"--fidelity", "-Infinity", "the fidelity weight must be a number from 0 to 1, got -Infinity"},
            {"--sampling", "mc:1000000000", "mc:K takes K from 1 to 1000, got 1000000000"},
            {"--sampling", "mc:99999999999", "'mc:99999999999': K must be a whole number from 1 to 1000"},
            {"--sampling", "mc:0", "mc:K takes K from 1 to 1000, got 0"},
            {"--sampling", "topk:100000", "topk:100000 asks for more entries than this model's codebook has (64): use K from 1 to 64"},
            {"--sampling", "topk:0", "topk:K needs K >= 1, got 0"},
            {"--sampling", "best", "unknown sampling 'best': use sample, mean, mc:K, argmax or topk:K"},
            {"--uncertainty", "variance", "unknown uncertainty map 'variance': use none, concentration or entropy"},
            {"--precision", "fp8", "unknown precision 'fp8': use fp32, tf32, fp16 or bf16"},
            {"--device", "tpu", "unknown device 'tpu': use cpu, cuda, cuda:N or auto"},
            {"--feather", "-1", "the feather must be 0 or more pixels, got -1"},
            {"--region", "1,2,x,4", "--region takes x,y,width,height in whole pixels, got '1,2,x,4'"},
            {"--region", "0,0,0,4", "--region 0,0,0,4: x and y must be 0 or more, width and height 1 or more"},
            {"--batch", "65", "the batch is auto or a number of frames per step from 1 to 64, not '65'"},
            {"--batch", "-2", "the batch is auto or a number of frames per step from 1 to 64, not '-2'"},
            {"--batch", "many", "the batch is auto or a number of frames per step from 1 to 64, not 'many'"},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("out-" + Math.abs(String.join(" ", c).hashCode()));
            List<String> args = new ArrayList<>(List.of("restore", "--weights", Fixture.file("weights.safetensors").toString(),
                    "--config", Fixture.file("config.json").toString(), "-o", out.toString(), c[0], c[1], clip.toString()));
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(1, r.exit(), c[0] + " " + c[1] + ": " + r.err());
            assertTrue(r.err().contains("dicface restore: " + c[2]), c[0] + " " + c[1] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
            assertFalse(Files.exists(out), "nothing is written for " + c[0] + " " + c[1]);
        }
        // forward, the other command of the shared options, refuses the same
        CliTest.Run r = CliTest.run("forward", "--config", Fixture.file("config.json").toString(), "--weights",
                Fixture.file("weights.safetensors").toString(), "--input", Fixture.file("io.safetensors").toString(),
                "--output", dir.resolve("f.safetensors").toString(), "--sampling", "topk:65");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("dicface forward: topk:65 asks for more entries than this model's codebook has (64)"), r.err());
        assertFalse(Files.exists(dir.resolve("f.safetensors")));
    }

    @Test
    void trainingOptionsAreCheckedBeforeAnyWork() {
        Path out = dir.resolve("ckpt");
        String[][] cases = {
            {"--lr", "NaN", "the learning rate must be a finite number > 0, got NaN"},
            {"--lr-min", "1e-3", "the final learning rate must be from 0 to the learning rate (5.0E-5), got 0.001"},
            {"--steps", "0", "the number of steps must be at least 1, got 0"},
            {"--clips-per-step", "0", "clips per step must be from 1 to 1024, got 0"},
            {"--save-every", "0", "the steps between checkpoints must be at least 1, got 0"},
            {"--kl-weight", "Infinity", "the KL weight must be a finite number >= 0, got Infinity"},
            {"--color-jitter", "NaN", "colour jitter must be in [0, 1), got NaN"},
            {"--unfreezing", "gradual", "unknown unfreezing 'gradual': use official or progressive"},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run("train", "-o", out.toString(), c[0], c[1], dir.resolve("missing.mp4").toString());
            assertEquals(1, r.exit(), c[0] + " " + c[1] + ": " + r.err());
            assertTrue(r.err().contains("dicface train: " + c[2]), c[0] + " " + c[1] + ": " + r.err());
            assertFalse(Files.exists(out));
        }
        CliTest.Run r = CliTest.run("sample-clip", "--size", "0", dir.resolve("missing.png").toString(), dir.resolve("c.tif").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("dicface sample-clip: --size must be from 1 to 4096 pixels, not 0"), r.err());
    }

    /** The CLI's training defaults are the job's own (the Fiji command starts from the same: FijiOptionsTest). */
    @Test
    void trainingDefaultsAreTheJobsDefaults() throws Exception {
        Path clip = dir.resolve("a.tif");
        TrainCommand plain = new TrainCommand();
        new CommandLine(plain).parseArgs("-o", dir.toString(), clip.toString());
        assertEquals(TrainingJob.builder(List.of(clip), dir).device(Device.parse("auto")).build(), plain.job());
        assertEquals(2e-5, plain.job().lrMin());

        TrainCommand faster = new TrainCommand();
        new CommandLine(faster).parseArgs("-o", dir.toString(), "--lr", "1e-4", clip.toString());
        assertEquals(1e-4, faster.job().lr());
        assertEquals(2e-5, faster.job().lrMin(), "the final learning rate does not follow --lr");
    }
}
