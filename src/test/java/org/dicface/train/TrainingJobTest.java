package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ij.io.FileSaver;
import org.dicface.io.Checkpoints;
import org.dicface.io.SafeTensors;
import org.dicface.io.Task;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.nn.Init;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.Device;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training job's option record: its defaults, its refusals, and how a run starts its models. */
class TrainingJobTest extends ScopedTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultsAreTheOfficialRecipe() {
        TrainingJob job = TrainingJob.builder(List.of(dir.resolve("a.mp4")), dir).build();
        assertEquals(Task.RESTORE, job.task());
        assertEquals(DicFaceConfig.official(), job.config());
        assertNull(job.init());
        assertEquals(100_000, job.steps());
        assertEquals(5e-5, job.lr());
        assertEquals(2e-5, job.lrMin());
        assertEquals(new CosineSchedule(job.lr(), job.lrMin(), job.steps()), CosineSchedule.official(job.steps()));
        assertEquals(2, job.clipsPerStep());
        assertEquals(Unfreezing.OFFICIAL, job.unfreezing());
        assertNull(job.lpipsVgg());
        assertNull(job.lpipsHeads());
        assertEquals(0, job.seed());
        assertEquals(500, job.saveEvery());
        assertEquals(false, job.resume());
        assertEquals(false, job.skipGradients());
        assertNull(job.klWeight());
        assertEquals(TrainingInput.OFFICIAL, job.input());
        assertEquals(Device.CPU, job.device());
        assertEquals(dir.resolve("checkpoint.safetensors"), job.checkpointFile());
    }

    @Test
    void outOfRangeValuesAreRefusedWithOneMessage() {
        TrainingJob.Builder b = TrainingJob.builder(List.of(dir.resolve("a.mp4")), dir);
        assertEquals("the learning rate must be a finite number > 0, got NaN", refused(b.lr(Double.NaN, 0)));
        assertEquals("the learning rate must be a finite number > 0, got Infinity", refused(b.lr(Double.POSITIVE_INFINITY, 0)));
        assertEquals("the learning rate must be a finite number > 0, got 0.0", refused(b.lr(0, 0)));
        assertEquals("the final learning rate must be from 0 to the learning rate (1.0E-5), got 2.0E-5", refused(b.lr(1e-5, 2e-5)));
        assertEquals("the final learning rate must be from 0 to the learning rate (5.0E-5), got NaN", refused(b.lr(5e-5, Double.NaN)));
        b.lr(5e-5, 2e-5);
        assertEquals("the number of steps must be at least 1, got 0", refused(b.steps(0)));
        b.steps(10);
        assertEquals("clips per step must be from 1 to 1024, got 0", refused(b.clipsPerStep(0)));
        assertEquals("clips per step must be from 1 to 1024, got 100000", refused(b.clipsPerStep(100_000)));
        b.clipsPerStep(2);
        assertEquals("the steps between checkpoints must be at least 1, got -1", refused(b.saveEvery(-1)));
        b.saveEvery(5);
        assertEquals("the KL weight must be a finite number >= 0, got NaN", refused(b.klWeight(Double.NaN)));
        b.klWeight(null);
        assertEquals("LPIPS needs both the VGG16 weights and the LPIPS heads", refused(b.lpips(dir, null)));
        b.lpips(null, null);
        assertTrue(refused(TrainingJob.builder(List.of(), dir)).startsWith("no training clips"));
        b.build();  // back to sane values: accepted
        assertEquals("unknown unfreezing 'gradual': use official or progressive",
                assertThrows(IllegalArgumentException.class, () -> Unfreezing.parse("gradual")).getMessage());
        assertEquals(Unfreezing.PROGRESSIVE, Unfreezing.parse(" Progressive"));
    }

    @Test
    void eachProcessOfADataParallelRunTrainsOnItsOwnDevice() {
        Distributed second = new Distributed(1, 2, 1, "127.0.0.1", 29500);
        TrainingJob.Builder b = TrainingJob.builder(List.of(dir.resolve("a.mp4")), dir).distributed(second);
        assertEquals(Device.CPU, b.device(Device.CPU).build().device());
        if (org.dicface.torch.ProcessGroup.supports(Device.cuda(0))) {
            assertEquals(Device.cuda(1), b.device(Device.cuda(0)).build().device());
        } else {  // this build: said before any process waits for the others
            assertTrue(refused(b.device(Device.cuda(0))).startsWith("data-parallel training on CUDA needs the native library built"
                    + " against a CUDA libtorch 2.x with NCCL"));
        }
    }

    private static String refused(TrainingJob.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    /** Building a model without drawing its weights uses no random numbers: the generator is where it was. */
    @Test
    void anUndrawnModelDrawsNothing() {
        Init.seed(4);
        float[] expected;
        try (DicFace m = new DicFace(TrainerTest.TINY)) {
            expected = m.namedParameters().get("quantize.embedding.weight").toFloatArray();
        }
        Init.seed(4);
        long before = Init.drawn();
        Init.undrawn(() -> new DicFace(TrainerTest.TINY)).close();
        assertEquals(before, Init.drawn());
        try (DicFace m = new DicFace(TrainerTest.TINY)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, m.namedParameters().get("quantize.embedding.weight").toFloatArray());
        }
    }

    /**
     * From scratch, the weights are drawn once (for the trained model; the EMA model is its copy); from --init they
     * are read once and nothing is drawn. Either way the EMA starts equal to the trained model: after one step it
     * is 0.997 x the start + 0.003 x the trained weights.
     */
    @Test
    void theEmaStartsAsACopyAndInitWeightsAreReadOnce() throws IOException {
        Path clip = dir.resolve("faces.tif");
        new FileSaver(ClipRestorationTest.rgbClip(40, 40, 6)).saveAsTiffStack(clip.toString());
        long perModel;
        Map<String, float[]> start = new java.util.LinkedHashMap<>();
        Path init = dir.resolve("init.safetensors");
        Init.seed(11);  // what TrainingJob does before drawing, with its seed
        long d0 = Init.drawn();
        try (DicFace m = new DicFace(TrainerTest.TINY)) {
            perModel = Init.drawn() - d0;
            m.namedParameters().forEach((k, v) -> start.put(k, v.toFloatArray()));
            SafeTensors.write(init, m.namedParameters(), Map.of());
        }
        assertTrue(perModel > 10, "a model draws each of its weights: " + perModel);

        for (boolean fromInit : new boolean[] {false, true}) {
            Path ckpt = dir.resolve(fromInit ? "from-init" : "from-scratch");
            TrainingJob job = TrainingJob.builder(List.of(clip), ckpt).config(TrainerTest.TINY).init(fromInit ? init : null)
                    .steps(1).lr(1e-3, 1e-4).clipsPerStep(1).seed(11).build();
            long drawn = Init.drawn();
            long opened = Checkpoints.opened();
            assertTrue(job.run(line -> { }, (r, s) -> true));
            assertEquals(fromInit ? 0 : perModel, Init.drawn() - drawn, "weights drawn, from init: " + fromInit);
            assertEquals(fromInit ? 1 : 0, Checkpoints.opened() - opened, "weights files opened, from init: " + fromInit);
            try (SafeTensors st = SafeTensors.open(job.checkpointFile())) {
                int changed = 0;
                for (var e : start.entrySet()) {
                    float[] trained;
                    float[] ema;
                    try (Tensor a = st.load("params." + e.getKey()); Tensor b = st.load("params_ema." + e.getKey())) {
                        trained = a.toFloatArray();
                        ema = b.toFloatArray();
                    }
                    float[] w0 = e.getValue();
                    for (int i = 0; i < w0.length; i++) {
                        double expected = 0.997 * w0[i] + 0.003 * trained[i];
                        assertEquals(expected, ema[i], 1e-6 + 1e-5 * Math.abs(expected), e.getKey() + "[" + i + "]");
                        changed += trained[i] != w0[i] ? 1 : 0;
                    }
                }
                assertTrue(changed > 100, "the step changed the weights: " + changed);
            }
        }
    }
}
