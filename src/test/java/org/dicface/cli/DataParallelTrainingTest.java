package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ij.io.FileSaver;
import org.dicface.io.SafeTensors;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dicface train --nproc 2}: two processes of one clip per step (c10d, Gloo) end with the weights of one process
 * of two clips per step, after three steps with the same seed (rel 1e-5); only rank 0 writes the checkpoint.
 */
class DataParallelTrainingTest {
    @TempDir
    Path dir;

    private CliTest.Run train(Path out, String... more) throws Exception {
        Path clip = dir.resolve("faces.tif");
        if (!Files.exists(clip)) {
            new FileSaver(ClipRestorationTest.rgbClip(40, 40, 7)).saveAsTiffStack(clip.toString());
        }
        Path config = dir.resolve("tiny.json");
        if (!Files.exists(config)) {
            Files.writeString(config, org.dicface.train.TrainerTest.TINY.toJson());
        }
        List<String> args = new ArrayList<>(List.of("train", clip.toString(), "--config", config.toString(), "--steps", "3",
                "--seed", "5", "--device", "cpu", "--lr", "1e-3", "-o", out.toString()));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void twoProcessesOfOneClipTrainAsOneOfTwo() throws Exception {
        CliTest.Run one = train(dir.resolve("one"), "--clips-per-step", "2");
        assertEquals(0, one.exit(), one.err());
        CliTest.Run two = train(dir.resolve("two"), "--clips-per-step", "1", "--nproc", "2");
        assertEquals(0, two.exit(), two.out() + two.err());
        try (SafeTensors a = SafeTensors.open(dir.resolve("one/checkpoint.safetensors"));
             SafeTensors b = SafeTensors.open(dir.resolve("two/checkpoint.safetensors"));
             Scope scope = Scope.open()) {
            assertEquals("3", b.metadata().get("step"));
            int compared = 0;
            double worst = 0;
            for (String name : a.entries().keySet()) {
                if (!name.startsWith("params.") && !name.startsWith("params_ema.")) {
                    continue;
                }
                float[] x = a.load(name).toFloatArray();
                float[] y = b.load(name).toFloatArray();
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < x.length; i++) {
                    diff = Math.max(diff, Math.abs(x[i] - y[i]));
                    norm = Math.max(norm, Math.abs(x[i]));
                }
                worst = Math.max(worst, diff / Math.max(norm, 1e-6));
                compared++;
            }
            assertTrue(compared > 50, compared + " tensors");
            assertTrue(worst <= 1e-5, "largest relative difference " + worst);
        }
        assertTrue(Files.exists(dir.resolve("two/rank-1.log")), "rank 1's log");
        try (var files = Files.list(dir.resolve("two"))) {
            assertEquals(List.of("checkpoint.safetensors", "rank-1.log"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
