package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicface.io.Checkpoints;
import org.dicface.io.PthReader;
import org.dicface.io.SafeTensors;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Our DicFace against the official implementation: every tensor of the fixture's io.safetensors that its
 * README lists, within its recommended tolerance (rel = max|mine - ref| / max|ref| <= 1e-4), with the weights
 * loaded from weights.safetensors and from the official-layout checkpoint.pth.
 */
class ParityTest {
    static final double TOLERANCE = 1e-4;
    static Map<String, Tensor> io;
    static DicFaceConfig config;

    @BeforeAll
    static void load() throws IOException {
        config = DicFaceConfig.read(Fixture.file("config.json"));
        io = Scope.unowned(() -> {
            try {
                return SafeTensors.read(Fixture.file("io.safetensors"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void free() {
        if (io != null) {
            io.values().forEach(Tensor::close);
        }
    }

    static DicFace model(Path weights) throws IOException {
        DicFace model = new DicFace(config);
        try (Checkpoints.Weights w = Checkpoints.load(weights)) {
            model.loadStateDict(w.tensors());
        }
        model.eval();
        return model;
    }

    private static void check(List<String> failures, String name, Tensor mine) {
        double rel = Fixture.relativeError(mine.toFloatArray(), io.get(name).toFloatArray());
        System.out.printf("parity %-26s rel %.2e%n", name, rel);
        if (!(rel <= TOLERANCE)) {
            failures.add(name + ": rel " + rel);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"weights.safetensors", "checkpoint.pth"})
    void everyListedTensorMatches(String weightsFile) throws IOException {
        List<String> failures = new ArrayList<>();
        try (DicFace model = model(Fixture.file(weightsFile)); GradMode.Guard g = GradMode.INFERENCE.enter();
                Scope scope = Scope.open(); Probe.Collecting probe = Probe.collecting()) {
            Tensor input = io.get("input");
            DicFace.Result mean = model.forward(input, new Sampling.Mean(), null, 1.0, probe);
            for (String name : List.of("enc_skip_8", "enc_skip_16", "enc_skip_32", "enc_skip_64", "enc_out", "lq_feat",
                    "tokens_in", "tokens_after_spatial_0", "tokens_after_temporal_0", "tokens_after_spatial_1",
                    "tokens_after_temporal_1", "tokens_out", "logits", "alpha")) {
                check(failures, name, probe.tensors().get(name));
            }
            check(failures, "w_mean", mean.w());
            check(failures, "quant_mean", probe.tensors().get("quant"));
            check(failures, "out_mean", mean.out());

            // fidelity 0: no fusion
            try (DicFace.Encoded enc = model.encode(input, Probe.NONE)) {
                check(failures, "out_mean_w0", model.decode(model.latent(mean.w()), enc.skips(), 0));
                // the official sample, fed as given w
                Tensor quant = model.latent(io.get("w_sample"));
                check(failures, "quant_sample", quant);
                check(failures, "out_sample", model.decode(quant, enc.skips(), 1.0));
            }

            // KL values on alpha, and on alpha + 1e-6 as the training loop passes it
            check(failures, "kl_official", DirichletKl.official(mean.alpha(), DirichletKl.OFFICIAL_BETA).reshape(1));
            check(failures, "kl_official_train", DirichletKl.official(mean.alpha().add(1e-6), DirichletKl.OFFICIAL_BETA).reshape(1));
            check(failures, "kl_exact", DirichletKl.exact(mean.alpha(), DirichletKl.OFFICIAL_BETA).reshape(1));
            check(failures, "l1_mean", mean.out().sub(input).abs().mean().reshape(1));

            // a 10-frame batch is two independent 5-frame groups
            Tensor b2 = Tensor.cat(List.of(input, input.indexSelect(0, Tensor.of(new long[] {4, 3, 2, 1, 0}, 5))), 0);
            try (DicFace.Encoded enc = model.encode(b2, Probe.NONE)) {
                Tensor tokens = model.transformer(enc.lqFeat(), Probe.NONE);
                check(failures, "tokens_out_b2", tokens);
                check(failures, "alpha_b2", DirichletHead.alpha(model.logits(tokens)));
            }
        }
        assertTrue(failures.isEmpty(), "tensors beyond rel " + TOLERANCE + ": " + failures);
    }

    /**
     * Channels-last convolutions (-Ddicface.channelsLast) change the layout, not the values: the encoder's skips come
     * out in NHWC (so the switch took effect) and the skips and the output still match the official tensors.
     */
    @Test
    void channelsLastConvolutionsKeepParity() throws IOException {
        List<String> failures = new ArrayList<>();
        boolean before = org.dicface.torch.Torch.channelsLast();
        try (DicFace model = model(Fixture.file("weights.safetensors")); GradMode.Guard g = GradMode.INFERENCE.enter();
                Scope scope = Scope.open(); Probe.Collecting probe = Probe.collecting()) {
            org.dicface.torch.Torch.channelsLast(true);
            DicFace.Result mean = model.forward(io.get("input"), new Sampling.Mean(), null, 1.0, probe);
            assertFalse(probe.tensors().get("enc_skip_64").isContiguous(), "the skip should be channels-last (NHWC)");
            for (String name : List.of("enc_skip_8", "enc_skip_16", "enc_skip_32", "enc_skip_64", "lq_feat", "alpha")) {
                check(failures, name, probe.tensors().get(name));
            }
            check(failures, "out_mean", mean.out());
        } finally {
            org.dicface.torch.Torch.channelsLast(before);
        }
        assertTrue(failures.isEmpty(), "channels-last: tensors beyond rel " + TOLERANCE + ": " + failures);
    }

    /** The official files also hold the raw weights under 'params'; a loader that used them must fail parity. */
    @Test
    void theRawParamsAreNotTheInferenceWeights() throws IOException {
        Object root = PthReader.read(Fixture.file("checkpoint.pth"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sections = (Map<String, Object>) root;
        @SuppressWarnings("unchecked")
        Map<String, Tensor> raw = (Map<String, Tensor>) (Map<String, ?>) sections.get("params");
        try (DicFace model = new DicFace(config); GradMode.Guard g = GradMode.INFERENCE.enter(); Scope scope = Scope.open()) {
            model.loadStateDict(raw);
            Tensor alpha = model.forward(io.get("input"), new Sampling.Mean(), null, 1.0, Probe.NONE).alpha();
            double rel = Fixture.relativeError(alpha.toFloatArray(), io.get("alpha").toFloatArray());
            assertFalse(rel <= TOLERANCE, "alpha from 'params' must fail parity, rel " + rel);
        } finally {
            for (Object section : sections.values()) {
                ((Map<?, ?>) section).values().forEach(t -> ((Tensor) t).close());
            }
        }
        try (Checkpoints.Weights w = Checkpoints.load(Fixture.file("checkpoint.pth"))) {
            assertEquals("params_ema", w.section());
            assertEquals(458, w.tensors().size());
        }
    }
}
