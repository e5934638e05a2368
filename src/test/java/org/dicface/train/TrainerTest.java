package org.dicface.train;

import org.dicface.io.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.nn.Init;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short training run of a tiny DicFace: the loss falls, and a stopped and resumed run equals an uninterrupted one. */
public class TrainerTest extends ScopedTest {
    public static final DicFaceConfig TINY = DicFaceConfig.fromJson("{\"img_size\": 32, \"nf\": 32, \"ch_mult\": [1, 1, 1], \"res_blocks\": 1,"
            + " \"attn_resolutions\": [8], \"codebook_size\": 16, \"codebook_dim\": 32, \"dim_embed\": 32, \"n_head\": 2,"
            + " \"n_layers\": 1, \"dim_mlp\": 64, \"connect_list\": [\"16\", \"32\"]}");

    static ClipData data() {
        return new ClipData(List.of(ClipRestorationTest.rgbClip(40, 40, 8), ClipRestorationTest.rgbClip(36, 36, 6)), 32, 5);
    }

    static DicFace model(long seed) {
        Init.seed(seed);
        return new DicFace(TINY);
    }

    static Trainer trainer(DicFace m, DicFace ema, long steps) {
        return new Trainer(m, ema, data(), Task.RESTORE, new CosineSchedule(2e-3, 2e-4, steps), 1,
                Trainer.officialKlWeight(Task.RESTORE), 5);
    }

    @Test
    void theLossFallsOnAShortRun() throws Exception {
        try (DicFace m = model(1); DicFace ema = model(1); Trainer t = trainer(m, ema, 40)) {
            List<Double> l1 = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Trainer.StepResult r = t.step(1);
                l1.add(r.l1());
                assertTrue(Double.isFinite(r.loss()), "step " + i + ": " + r);
            }
            double first = l1.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double last = l1.subList(32, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(last < 0.8 * first, "L1 falls: " + first + " -> " + last);
            assertEquals(40, t.step());
        }
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        List<float[]> straight = new ArrayList<>();
        try (DicFace m = model(2); DicFace ema = model(2); Trainer t = trainer(m, ema, 10)) {
            t.step(4);
            m.namedParameters().values().forEach(p -> straight.add(p.toFloatArray()));
            ema.namedParameters().values().forEach(p -> straight.add(p.toFloatArray()));
        }
        Path checkpoint = dir.resolve("step2.safetensors");
        try (DicFace m = model(2); DicFace ema = model(2); Trainer t = trainer(m, ema, 10)) {
            t.step(2);
            t.save(checkpoint);
        }
        assertTrue(Files.exists(checkpoint));
        List<float[]> resumed = new ArrayList<>();
        try (DicFace m = model(99); DicFace ema = model(99); Trainer t = trainer(m, ema, 10)) {  // other initial weights
            t.resume(checkpoint);
            assertEquals(2, t.step());
            t.step(2);
            m.namedParameters().values().forEach(p -> resumed.add(p.toFloatArray()));
            ema.namedParameters().values().forEach(p -> resumed.add(p.toFloatArray()));
        }
        assertEquals(straight.size(), resumed.size());
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), "tensor " + i + " after resume");
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the checkpoint was written atomically, no partial file left");
        }
    }

    /** Through the skips alone (decoding a fixed latent), the loss reaches the encoder only with skip gradients on. */
    @Test
    void skipGradientsLetTheLossReachTheEncoderThroughTheSkips() {
        for (boolean skips : new boolean[] {false, true}) {
            try (DicFace m = model(3); org.dicface.torch.GradMode.Guard g = org.dicface.torch.GradMode.GRAD.enter();
                    org.dicface.torch.Generator random = new org.dicface.torch.Generator(4)) {
                Tensor frames = Tensor.uniform(-1, 1, random, 5, 3, 32, 32);
                try (DicFace.Encoded e = m.skipGradients(skips).encode(frames, org.dicface.model.Probe.NONE)) {
                    e.skips().values().forEach(skip -> assertEquals(skips, skip.requiresGrad()));
                    Tensor latent = Tensor.zeros(5, TINY.codebookDim(), TINY.latentSize(), TINY.latentSize());
                    m.decode(latent, e.skips(), 1.0).abs().mean().backward();
                }
                Tensor grad = m.namedParameters().get("encoder.blocks.0.weight").grad();
                double norm = grad == null ? 0 : grad.pow(2).sum().sqrt().item();
                assertEquals(skips, norm > 1e-6, "encoder gradient " + norm + " with skip gradients " + skips);
            }
        }
    }

    @Test
    void theKlWeightScalesTheKlTerm() throws Exception {
        for (double weight : new double[] {0, 0.25}) {
            try (DicFace m = model(6); DicFace ema = model(6); Trainer t = new Trainer(m, ema, data(), Task.RESTORE,
                    new CosineSchedule(1e-3, 1e-4, 4), 1, weight, 5)) {
                Trainer.StepResult r = t.step(1);
                assertEquals(r.l1() + weight * r.kl(), r.loss(), 1e-4 * Math.abs(r.kl()), "weight " + weight + ": " + r);
            }
        }
    }

    @Test
    void officialKlWeights() {
        assertEquals(1.0, Trainer.officialKlWeight(Task.RESTORE));
        assertEquals(0.0, Trainer.officialKlWeight(Task.INPAINT));
        assertEquals(0.0, Trainer.officialKlWeight(Task.COLORIZE));
        assertTrue(Trainer.lpipsNote().contains("weight 0"));
    }

    @Test
    void progressiveUnfreezingTrainsTheAutoencoderThenTheTransformerThenTheCodebook() throws Exception {
        try (DicFace m = model(3); DicFace ema = model(3); Trainer t = trainer(m, ema, 6).unfreezing(Unfreezing.PROGRESSIVE)) {
            float[] enc0 = m.namedParameters().get("encoder.blocks.0.weight").toFloatArray();
            float[] tr0 = m.namedParameters().get("ft_layers.0.linear1.weight").toFloatArray();
            float[] cb0 = m.namedParameters().get("quantize.embedding.weight").toFloatArray();
            t.step(2);   // first third
            assertTrue(!java.util.Arrays.equals(enc0, m.namedParameters().get("encoder.blocks.0.weight").toFloatArray()));
            assertArrayEquals(tr0, m.namedParameters().get("ft_layers.0.linear1.weight").toFloatArray(), "transformer still frozen");
            assertArrayEquals(cb0, m.namedParameters().get("quantize.embedding.weight").toFloatArray(), "codebook still frozen");
            t.step(2);   // second third
            assertTrue(!java.util.Arrays.equals(tr0, m.namedParameters().get("ft_layers.0.linear1.weight").toFloatArray()));
            assertArrayEquals(cb0, m.namedParameters().get("quantize.embedding.weight").toFloatArray(), "codebook still frozen");
            t.step(2);   // last third
            assertTrue(!java.util.Arrays.equals(cb0, m.namedParameters().get("quantize.embedding.weight").toFloatArray()));
            assertTrue(!m.namedParameters().get("position_emb").requiresGrad(), "the spatial table never trains");
        }
    }

    @Test
    void theLpipsTermJoinsTheLossWhenWeightsAreGiven() throws Exception {
        try (DicFace m = model(4); DicFace ema = model(4); org.dicface.metrics.Lpips lpips = new org.dicface.metrics.Lpips();
                Trainer plain = trainer(m, ema, 4)) {
            Trainer.StepResult without = plain.step(1);
            assertEquals(without.l1() + without.kl(), without.loss(), 1e-4 * Math.abs(without.loss()));
            try (org.dicface.torch.GradMode.Guard g = org.dicface.torch.GradMode.NO_GRAD.enter()) {
                for (Tensor p : lpips.stateDict().values()) {
                    if (p.shape()[0] == 1) {
                        p.copyFrom(p.abs().add(1));  // the released heads are non-negative
                    }
                }
            }
            assertTrue(plain.lossNote().endsWith("The loss is L1 + 1.0 x KL."), plain.lossNote());
            plain.perceptual(lpips);
            assertTrue(plain.lossNote().equals("loss: L1 + LPIPS + 1.0 x KL"), plain.lossNote());
            Trainer.StepResult with = plain.step(1);
            assertTrue(with.loss() - with.l1() - with.kl() > 0, "LPIPS adds a positive term: " + with);
        }
    }
}
