package org.dicface.nn;

import static org.dicface.torch.Reference.conv2d;
import static org.dicface.torch.Reference.matmul;
import static org.dicface.torch.Reference.normalise;
import static org.dicface.torch.Reference.random;
import static org.dicface.torch.Reference.softmaxRows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each layer against a plain-Java computation from its definition, with the layer's own weights. */
class LayersTest {
    private Scope scope;
    private GradMode.Guard mode;

    @BeforeEach
    void open() {
        scope = Scope.open();
        mode = GradMode.NO_GRAD.enter();
    }

    @AfterEach
    void close() {
        mode.close();
        scope.close();
    }

    static float[] get(Module m, String name) {
        return m.namedParameters().get(name).toFloatArray();
    }

    /** Randomises every parameter so that no layer can pass with its default initial values. */
    static void randomise(Module m, long seed) {
        for (var e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            p.copyFrom(Tensor.of(random(seed++, (int) p.numel()), p.shape()).mul(0.3).add(e.getKey().contains("norm") ? 1 : 0));
        }
    }

    static void close(float[] expected, float[] actual, double tol) {
        org.dicface.torch.Assertions2Public.assertClose(expected, actual, tol);
    }

    @Test
    void conv2dLayer() {
        try (Conv2d conv = new Conv2d(3, 4, 3, Conv2d.Options.DEFAULT.stride(2).padding(1))) {
            randomise(conv, 1);
            float[] x = random(9, 2 * 3 * 8 * 7);
            float[] ref = conv2d(x, 2, 3, 8, 7, get(conv, "weight"), get(conv, "bias"), 4, 3, 2, 1);
            close(ref, conv.forward(Tensor.of(x, 2, 3, 8, 7)).toFloatArray(), 1e-4);
            assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
        }
    }

    @Test
    void groupNormAndLayerNorm() {
        try (GroupNorm gn = new GroupNorm(2, 4, 1e-6); LayerNorm ln = new LayerNorm(6, 1e-5)) {
            randomise(gn, 2);
            randomise(ln, 3);
            float[] x = random(4, 3 * 4 * 6);
            float[] n = normalise(x, 2 * 6, 1e-6);  // [3,4,6]: each group = 2 channels x 6 values
            float[] w = get(gn, "weight");
            float[] b = get(gn, "bias");
            for (int i = 0; i < n.length; i++) {
                int c = (i / 6) % 4;
                n[i] = n[i] * w[c] + b[c];
            }
            close(n, gn.forward(Tensor.of(x, 3, 4, 6)).toFloatArray(), 1e-4);
            float[] m = normalise(x, 6, 1e-5);
            float[] lw = get(ln, "weight");
            float[] lb = get(ln, "bias");
            for (int i = 0; i < m.length; i++) {
                m[i] = m[i] * lw[i % 6] + lb[i % 6];
            }
            close(m, ln.forward(Tensor.of(x, 12, 6)).toFloatArray(), 1e-4);
        }
    }

    @Test
    void linearWithAndWithoutBias() {
        try (Linear lin = new Linear(5, 3, true); Linear bare = new Linear(5, 3, false)) {
            randomise(lin, 5);
            float[] x = random(6, 4 * 5);
            float[] w = get(lin, "weight");  // [3,5]
            float[] wt = new float[15];
            for (int o = 0; o < 3; o++) {
                for (int i = 0; i < 5; i++) {
                    wt[i * 3 + o] = w[o * 5 + i];
                }
            }
            float[] ref = matmul(x, wt, 4, 5, 3);
            float[] b = get(lin, "bias");
            for (int i = 0; i < ref.length; i++) {
                ref[i] += b[i % 3];
            }
            close(ref, lin.forward(Tensor.of(x, 4, 5)).toFloatArray(), 1e-5);
            assertEquals(List.of("weight"), List.copyOf(bare.namedParameters().keySet()));
        }
    }

    /** softmax(q k^T / sqrt(d)) v per head with the packed in_proj rows q, k, v, then out_proj. */
    @Test
    void multiheadAttentionLayer() {
        int e = 8;
        int heads = 2;
        int d = e / heads;
        int length = 3;
        int batch = 2;
        try (MultiheadAttention mha = new MultiheadAttention(e, heads)) {
            randomise(mha, 7);
            assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                    List.copyOf(mha.namedParameters().keySet()));
            float[] q = random(10, length * batch * e);
            float[] kv = random(11, length * batch * e);
            float[] w = get(mha, "in_proj_weight");
            float[] bias = get(mha, "in_proj_bias");
            float[] ow = get(mha, "out_proj.weight");
            float[] ob = get(mha, "out_proj.bias");
            float[] expected = new float[length * batch * e];
            for (int n = 0; n < batch; n++) {
                float[][] qp = project(q, w, bias, 0, n, batch, length, e);
                float[][] kp = project(kv, w, bias, e, n, batch, length, e);
                float[][] vp = project(kv, w, bias, 2 * e, n, batch, length, e);
                float[][] attended = new float[length][e];
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < length; i++) {
                        float[] scores = new float[length];
                        for (int j = 0; j < length; j++) {
                            double s = 0;
                            for (int c = 0; c < d; c++) {
                                s += qp[i][h * d + c] * kp[j][h * d + c];
                            }
                            scores[j] = (float) (s / Math.sqrt(d));
                        }
                        float[] p = softmaxRows(scores, length);
                        for (int c = 0; c < d; c++) {
                            double s = 0;
                            for (int j = 0; j < length; j++) {
                                s += p[j] * vp[j][h * d + c];
                            }
                            attended[i][h * d + c] = (float) s;
                        }
                    }
                }
                for (int i = 0; i < length; i++) {
                    for (int o = 0; o < e; o++) {
                        double s = ob[o];
                        for (int c = 0; c < e; c++) {
                            s += attended[i][c] * ow[o * e + c];
                        }
                        expected[(i * batch + n) * e + o] = (float) s;
                    }
                }
            }
            Tensor kvT = Tensor.of(kv, length, batch, e);
            close(expected, mha.forward(Tensor.of(q, length, batch, e), kvT, kvT).toFloatArray(), 1e-4);
        }
    }

    /** Rows [row0, row0 + e) of the packed in_proj applied to sequence x[:, n, :]. */
    private static float[][] project(float[] x, float[] w, float[] b, int row0, int n, int batch, int length, int e) {
        float[][] out = new float[length][e];
        for (int i = 0; i < length; i++) {
            for (int o = 0; o < e; o++) {
                double s = b[row0 + o];
                for (int c = 0; c < e; c++) {
                    s += x[(i * batch + n) * e + c] * w[(row0 + o) * e + c];
                }
                out[i][o] = (float) s;
            }
        }
        return out;
    }

    private static float[] silu(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] / (1 + Math.exp(-x[i])));
        }
        return y;
    }

    private static float[] groupNorm(float[] x, int n, int c, int hw, int groups, float[] w, float[] b) {
        float[] y = normalise(x, c / groups * hw, 1e-6);
        for (int i = 0; i < y.length; i++) {
            int ch = (i / hw) % c;
            y[i] = y[i] * w[ch] + b[ch];
        }
        return y;
    }

    @Test
    void resBlockWithAndWithoutShortcutConv() {
        int n = 1;
        int h = 4;
        for (int[] io : new int[][] {{32, 32}, {32, 64}}) {
            int cin = io[0];
            int cout = io[1];
            try (ResBlock block = new ResBlock(cin, cout)) {
                randomise(block, 20);
                float[] x = random(21, n * cin * h * h);
                float[] t = silu(groupNorm(x, n, cin, h * h, 32, get(block, "norm1.weight"), get(block, "norm1.bias")));
                t = conv2d(t, n, cin, h, h, get(block, "conv1.weight"), get(block, "conv1.bias"), cout, 3, 1, 1);
                t = silu(groupNorm(t, n, cout, h * h, 32, get(block, "norm2.weight"), get(block, "norm2.bias")));
                t = conv2d(t, n, cout, h, h, get(block, "conv2.weight"), get(block, "conv2.bias"), cout, 3, 1, 1);
                float[] shortcut = cin == cout ? x
                        : conv2d(x, n, cin, h, h, get(block, "conv_out.weight"), get(block, "conv_out.bias"), cout, 1, 1, 0);
                for (int i = 0; i < t.length; i++) {
                    t[i] += shortcut[i];
                }
                close(t, block.forward(Tensor.of(x, n, cin, h, h)).toFloatArray(), 2e-4);
                assertEquals(cin != cout, block.namedParameters().containsKey("conv_out.weight"));
            }
        }
    }

    @Test
    void attnBlockAttendsOverKeys() {
        int c = 32;
        int side = 3;
        int hw = side * side;
        try (AttnBlock block = new AttnBlock(c)) {
            randomise(block, 30);
            float[] x = random(31, c * hw);
            float[] h = groupNorm(x, 1, c, hw, 32, get(block, "norm.weight"), get(block, "norm.bias"));
            float[] q = conv2d(h, 1, c, side, side, get(block, "q.weight"), get(block, "q.bias"), c, 1, 1, 0);
            float[] k = conv2d(h, 1, c, side, side, get(block, "k.weight"), get(block, "k.bias"), c, 1, 1, 0);
            float[] v = conv2d(h, 1, c, side, side, get(block, "v.weight"), get(block, "v.bias"), c, 1, 1, 0);
            float[] attended = new float[c * hw];
            for (int i = 0; i < hw; i++) {
                float[] scores = new float[hw];
                for (int j = 0; j < hw; j++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        s += q[ch * hw + i] * k[ch * hw + j];
                    }
                    scores[j] = (float) (s / Math.sqrt(c));
                }
                float[] p = softmaxRows(scores, hw);  // over keys j
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int j = 0; j < hw; j++) {
                        s += v[ch * hw + j] * p[j];
                    }
                    attended[ch * hw + i] = (float) s;
                }
            }
            float[] out = conv2d(attended, 1, c, side, side, get(block, "proj_out.weight"), get(block, "proj_out.bias"), c, 1, 1, 0);
            for (int i = 0; i < out.length; i++) {
                out[i] += x[i];
            }
            close(out, block.forward(Tensor.of(x, 1, c, side, side)).toFloatArray(), 2e-4);
        }
    }

    @Test
    void downsamplePadsRightAndBottomOnly() {
        try (Downsample down = new Downsample(2)) {
            randomise(down, 40);
            float[] x = random(41, 2 * 5 * 5);
            float[] padded = new float[2 * 6 * 6];
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 5; y++) {
                    System.arraycopy(x, (c * 5 + y) * 5, padded, (c * 6 + y) * 6, 5);
                }
            }
            float[] ref = conv2d(padded, 1, 2, 6, 6, get(down, "conv.weight"), get(down, "conv.bias"), 2, 3, 2, 0);
            Tensor out = down.forward(Tensor.of(x, 1, 2, 5, 5));
            assertArrayEquals(new long[] {1, 2, 2, 2}, out.shape());
            close(ref, out.toFloatArray(), 1e-4);
        }
    }

    @Test
    void upsampleIsNearestThenConv() {
        try (Upsample up = new Upsample(2)) {
            randomise(up, 50);
            float[] x = random(51, 2 * 2 * 3);
            float[] near = new float[2 * 4 * 6];
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int xx = 0; xx < 6; xx++) {
                        near[(c * 4 + y) * 6 + xx] = x[(c * 2 + y / 2) * 3 + xx / 2];
                    }
                }
            }
            float[] ref = conv2d(near, 1, 2, 4, 6, get(up, "conv.weight"), get(up, "conv.bias"), 2, 3, 1, 1);
            close(ref, up.forward(Tensor.of(x, 1, 2, 2, 3)).toFloatArray(), 1e-4);
        }
    }

    @Test
    void moduleNamesLoadingFreezingAndModes() {
        try (ResBlock block = new ResBlock(32, 64)) {
            assertEquals(List.of("norm1.weight", "norm1.bias", "conv1.weight", "conv1.bias", "norm2.weight", "norm2.bias",
                    "conv2.weight", "conv2.bias", "conv_out.weight", "conv_out.bias"), List.copyOf(block.stateDict().keySet()));
            assertEquals(32 + 32 + 64 * 32 * 9 + 64 + 64 + 64 + 64 * 64 * 9 + 64 + 64 * 32 + 64, block.parameterCount());
            // a strict load reports every problem at once and changes nothing
            float before = block.stateDict().get("conv1.bias").toFloatArray()[0];
            Map<String, Tensor> bad = new java.util.LinkedHashMap<>(block.stateDict());
            bad.remove("norm1.weight");
            bad.remove("conv2.bias");
            bad.put("conv1.bias", Tensor.zeros(65));
            bad.put("extra.weight", Tensor.zeros(1));
            StateDictException ex = assertThrows(StateDictException.class, () -> block.loadStateDict(bad));
            assertEquals(List.of("norm1.weight", "conv2.bias"), ex.missing());
            assertEquals(List.of("extra.weight"), ex.unexpected());
            assertEquals(1, ex.mismatched().size());
            assertTrue(ex.getMessage().contains("conv1.bias: checkpoint [65], model [64]"), ex.getMessage());
            assertEquals(before, block.stateDict().get("conv1.bias").toFloatArray()[0]);
            // a good load copies values
            Map<String, Tensor> good = new java.util.LinkedHashMap<>();
            block.stateDict().forEach((k, v) -> good.put(k, Tensor.full(0.5, v.dtype(), v.device(), v.shape())));
            block.loadStateDict(good);
            assertEquals(0.5f, block.stateDict().get("conv2.weight").toFloatArray()[7]);
            // freezing by prefix
            assertEquals(4, block.setTrainable("conv1.", false) + block.setTrainable("norm1.", false));
            assertTrue(!block.stateDict().get("conv1.weight").requiresGrad() && block.stateDict().get("conv2.weight").requiresGrad());
            block.eval();
            assertTrue(!block.isTraining());
            block.train(true);
            assertTrue(block.isTraining());
        }
    }

    @Test
    void dropoutOnlyInTrainingAndKeepsTheMean() {
        Tensor x = Tensor.ones(100_000);
        assertEquals(x, Dropout.apply(x, 0.1, false), "identity in evaluation");
        Tensor d = Dropout.apply(x, 0.1, true);
        float[] v = d.toFloatArray();
        int zeros = 0;
        for (float f : v) {
            if (f == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.9f, f, 1e-6f);
            }
        }
        assertEquals(0.1, zeros / 100_000.0, 0.005);
        assertEquals(1.0, d.mean().item(), 0.01);
        try (org.dicface.model.TransformerLayer layer = new org.dicface.model.TransformerLayer(8, 2, 16)) {
            Tensor in = Tensor.normal(0, 1, null, 4, 3, 8);
            Tensor pos = Tensor.zeros(4, 1, 8);
            layer.eval();
            assertArrayEquals(layer.forward(in, pos).toFloatArray(), layer.forward(in, pos).toFloatArray(), "deterministic in eval");
            layer.train(true);
            assertTrue(!java.util.Arrays.equals(layer.forward(in, pos).toFloatArray(), layer.forward(in, pos).toFloatArray()),
                    "dropout in training");
        }
    }
}
