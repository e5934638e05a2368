package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampling modes, their reproducibility, the uncertainty measures and the codebook tools. */
class SamplingTest extends ScopedTest {
    // two cells over 4 entries: one peaked, one flat
    private Tensor alpha;

    @BeforeEach
    void makeAlpha() {
        alpha = Tensor.of(new float[] {8, 1, 0.5f, 0.5f, 1, 1, 1, 1}, 2, 4);
    }

    @Test
    void meanArgmaxAndTopK() {
        assertArrayEquals(new float[] {0.8f, 0.1f, 0.05f, 0.05f, 0.25f, 0.25f, 0.25f, 0.25f},
                Sampling.parse("mean").weights(alpha, null).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f},
                Sampling.parse("argmax").weights(alpha, null).toFloatArray(), 1e-6f, "ties share the weight");
        assertArrayEquals(new float[] {8 / 9f, 1 / 9f, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f},
                Sampling.parse("topk:2").weights(alpha, null).toFloatArray(), 1e-6f);
    }

    @Test
    void samplesAreSeededOnTheSimplexAndAverageToTheMean() {
        Sampling sample = Sampling.parse("sample");
        float[] a;
        float[] b;
        try (Generator g1 = new Generator(3); Generator g2 = new Generator(3)) {
            a = sample.weights(alpha, g1).toFloatArray();
            b = sample.weights(alpha, g2).toFloatArray();
        }
        assertArrayEquals(a, b, "same seed, same weights");
        for (int cell = 0; cell < 2; cell++) {
            double s = 0;
            for (int i = 0; i < 4; i++) {
                assertTrue(a[cell * 4 + i] > 0 && a[cell * 4 + i] < 1);
                s += a[cell * 4 + i];
            }
            assertEquals(1, s, 1e-5);
        }
        try (Generator g = new Generator(4)) {
            float[] mc = Sampling.parse("mc:1000").weights(alpha, g).toFloatArray();  // the most mc:K takes
            float[] mean = Sampling.parse("mean").weights(alpha, null).toFloatArray();
            // one draw's spread is up to 0.19 here (alpha sum 4); 1000 draws average to within 0.006: 5 of those
            assertArrayEquals(mean, mc, 0.03f, "the Monte-Carlo average tends to the mean");
            assertFalse(Arrays.equals(sample.weights(alpha, g).toFloatArray(), sample.weights(alpha, g).toFloatArray()));
        }
        assertThrows(IllegalArgumentException.class, () -> sample.weights(alpha, null));
    }

    @Test
    void sampleIsDifferentiableInAlpha() {
        Tensor a = Tensor.of(new float[] {2, 3, 4}, 1, 3).requiresGrad(true);
        try (Generator g = new Generator(1)) {
            Sampling.parse("sample").weights(a, g).narrow(1, 0, 1).sum().backward();
        }
        assertTrue(a.grad() != null && Math.abs(a.grad().toFloatArray()[0]) > 0);
    }

    @Test
    void parsingNamesAndErrors() {
        assertInstanceOf(Sampling.TopK.class, Sampling.parse("TopK:16"));
        assertEquals("mc:8", Sampling.parse("mc:8").name());
        assertEquals("topk:4", Sampling.parse("topk:4").name());
        for (String bad : new String[] {"best", "topk:0", "mc:x", "topk:"}) {
            assertThrows(IllegalArgumentException.class, () -> Sampling.parse(bad), bad);
        }
    }

    @Test
    void uncertaintyMeasures() {
        assertArrayEquals(new float[] {10, 4}, Sampling.concentration(alpha).toFloatArray(), 1e-6f);
        float[] h = Sampling.entropy(Sampling.parse("mean").weights(alpha, null)).toFloatArray();
        assertEquals(Math.log(4), h[1], 1e-5, "uniform weights: log N");
        assertTrue(h[0] < h[1]);
        assertEquals(0, Sampling.entropy(Tensor.of(new float[] {1, 0, 0}, 3)).item(), 1e-6, "0 log 0 = 0");
    }

    @Test
    void codebookUsage() {
        // three cells: two put all weight on entry 0, one spreads it over entries 1 and 2
        Tensor w = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 0, 0.5f, 0.5f, 0}, 3, 4);
        CodebookUsage u = CodebookUsage.of(w);
        assertArrayEquals(new double[] {2 / 3.0, 1 / 6.0, 1 / 6.0, 0}, u.share(), 1e-9);
        assertEquals(3, u.entriesFor90());
        double expected = -(2 / 3.0 * Math.log(2 / 3.0) + 2 * (1 / 6.0) * Math.log(1 / 6.0)) / Math.log(2);
        assertEquals(expected, u.entropyBits(), 1e-9);
        assertTrue(u.toCsv().startsWith("entry,share\n0,0.666"));
    }

    @Test
    void codebookExportReplaceAndShapeCheck(@TempDir Path dir) throws Exception {
        DicFaceConfig small = DicFaceConfig.fromJson("{\"img_size\": 32, \"nf\": 32, \"ch_mult\": [1,1,1,1], \"attn_resolutions\": [4],"
                + "\"codebook_size\": 16, \"codebook_dim\": 32, \"dim_embed\": 32, \"n_head\": 2, \"n_layers\": 1,"
                + "\"connect_list\": [\"8\", \"16\"]}");
        try (DicFace a = new DicFace(small); DicFace b = new DicFace(small); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            a.codebook().weight().copyFrom(Tensor.normal(0, 1, null, 16, 32));
            Path file = dir.resolve("codebook.safetensors");
            a.codebook().export(file);
            b.codebook().replace(file);
            assertArrayEquals(a.codebook().weight().toFloatArray(), b.codebook().weight().toFloatArray());
            DicFaceConfig bigger = DicFaceConfig.fromJson(small.toJson().replace("\"codebook_size\": 16", "\"codebook_size\": 32"));
            try (DicFace c = new DicFace(bigger)) {
                var e = assertThrows(IllegalArgumentException.class, () -> c.codebook().replace(file));
                assertTrue(e.getMessage().contains("codebook_size 16"), e.getMessage());
            }
        }
    }
}
