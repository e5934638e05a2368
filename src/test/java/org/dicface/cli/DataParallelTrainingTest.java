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
 * of two clips per step, after three steps with the same seed (rel 1e-5); only rank 0 writes the checkpoint; a
 * resumed two-process run equals an uninterrupted one; a rank killed mid-run stops the run with a message naming it,
 * and the last checkpoint is whole and resumes.
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
        List<String> args = new ArrayList<>(List.of("train", clip.toString(), "--config", config.toString(),
                "--seed", "5", "--device", "cpu", "-o", out.toString()));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    /**
     * The processes take this JVM's thread count: kernels split work by threads, and in 3 steps Adam turns a last-bit
     * difference of a near-zero gradient into a whole step. With the same threads the two runs add the same halves.
     */
    @Test
    void twoProcessesOfOneClipTrainAsOneOfTwo() throws Exception {
        System.setProperty("dicface.threads", Integer.toString(org.dicface.torch.Torch.numThreads()));
        CliTest.Run one = train(dir.resolve("one"), "--clips-per-step", "2", "--steps", "3", "--lr", "1e-3");
        assertEquals(0, one.exit(), one.err());
        CliTest.Run two;
        try {
            two = train(dir.resolve("two"), "--clips-per-step", "1", "--nproc", "2", "--steps", "3", "--lr", "1e-3");
        } finally {
            System.clearProperty("dicface.threads");
        }
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

    private static float[] weights(Path checkpoint) throws Exception {
        try (SafeTensors st = SafeTensors.open(checkpoint); Scope scope = Scope.open()) {
            List<Float> all = new ArrayList<>();
            for (String name : new java.util.TreeSet<>(st.entries().keySet())) {
                if (name.startsWith("params.")) {
                    for (float v : st.load(name).toFloatArray()) {
                        all.add(v);
                    }
                }
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }

    @Test
    void aResumedTwoProcessRunEqualsAnUninterruptedOne() throws Exception {
        // a constant learning rate, so that a run of 2 steps and one of 4 share their schedule
        String[] constant = {"--lr", "1e-3", "--lr-min", "1e-3", "--clips-per-step", "1", "--nproc", "2"};
        CliTest.Run whole = train(dir.resolve("whole"), concat(constant, "--steps", "4"));
        assertEquals(0, whole.exit(), whole.err());
        CliTest.Run first = train(dir.resolve("parts"), concat(constant, "--steps", "2"));
        assertEquals(0, first.exit(), first.err());
        CliTest.Run rest = train(dir.resolve("parts"), concat(constant, "--steps", "4", "--resume"));
        assertEquals(0, rest.exit(), rest.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights(dir.resolve("whole/checkpoint.safetensors")),
                weights(dir.resolve("parts/checkpoint.safetensors")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aKilledRankStopsTheRunAndTheCheckpointResumes() throws Exception {
        Path clip = dir.resolve("faces.tif");
        new FileSaver(ClipRestorationTest.rgbClip(40, 40, 7)).saveAsTiffStack(clip.toString());
        Path config = Files.writeString(dir.resolve("tiny.json"), org.dicface.train.TrainerTest.TINY.toJson());
        Path out = dir.resolve("killed");
        Path log = dir.resolve("launcher.log");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process launcher = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-Ddicface.native.path=" + System.getProperty("dicface.native.path"), "-cp", System.getProperty("java.class.path"),
                "org.dicface.cli.DicFaceCli", "train", clip.toString(), "--config", config.toString(), "--steps", "100000",
                "--save-every", "2", "--clips-per-step", "1", "--device", "cpu", "--nproc", "2", "--seed", "5", "-o", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path checkpoint = out.resolve("checkpoint.safetensors");
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (!Files.readString(log).contains("step 3/") && System.nanoTime() < deadline && launcher.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(checkpoint), Files.readString(log));
            // rank 1: the launcher's second child (the ranks start in order)
            List<ProcessHandle> ranks = launcher.children().sorted(java.util.Comparator.comparingLong(ProcessHandle::pid)).toList();
            assertEquals(2, ranks.size(), ranks.toString());
            ProcessHandle rank1 = ranks.get(1);
            long killed = System.nanoTime();
            rank1.destroyForcibly();
            assertTrue(launcher.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the run stops");
            double seconds = (System.nanoTime() - killed) / 1e9;
            String text = Files.readString(log);
            assertTrue(launcher.exitValue() != 0, text);
            assertTrue(text.contains("training process 1 of 2 stopped") && text.contains("--resume"), text);
            assertTrue(seconds < 120, seconds + " s");
            long step;
            try (SafeTensors st = SafeTensors.open(checkpoint)) {
                step = Long.parseLong(st.metadata().get("step"));
            }
            assertTrue(step >= 2, "step " + step);
            CliTest.Run resumed = train(out, "--clips-per-step", "1", "--nproc", "2", "--steps", Long.toString(step + 1), "--resume",
                    "--save-every", "2");
            assertEquals(0, resumed.exit(), resumed.err());
            try (SafeTensors st = SafeTensors.open(checkpoint)) {
                assertEquals(Long.toString(step + 1), st.metadata().get("step"));
            }
        } finally {
            launcher.destroyForcibly();
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
