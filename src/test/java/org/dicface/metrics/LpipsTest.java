package org.dicface.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.io.SafeTensors;
import org.dicface.torch.GradMode;
import org.dicface.torch.Reference;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LPIPS (VGG16, v0.1): names, shapes and loading of the standard files; its definition checked on the first layer. */
class LpipsTest extends ScopedTest {

    @Test
    void namesAndShapesOfTheStandardFiles() {
        try (Lpips lpips = new Lpips()) {
            Map<String, Tensor> sd = lpips.stateDict();
            assertArrayEquals(new long[] {64, 3, 3, 3}, sd.get("net.features.0.weight").shape());
            assertArrayEquals(new long[] {512, 512, 3, 3}, sd.get("net.features.28.weight").shape());
            assertArrayEquals(new long[] {1, 64, 1, 1}, sd.get("lin0.model.1.weight").shape());
            assertArrayEquals(new long[] {1, 512, 1, 1}, sd.get("lin4.model.1.weight").shape());
            assertEquals(26 + 5, sd.size(), "13 convs with bias, 5 bias-free heads");
            assertEquals(14_714_688 + 64 + 128 + 256 + 512 + 512, lpips.parameterCount(), "VGG16 features + heads");
        }
    }

    @Test
    void aDistanceThatIsZeroSymmetricAndPositive() {
        try (Lpips lpips = new Lpips(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            for (Tensor p : lpips.stateDict().values()) {
                if (p.shape()[0] == 1) {
                    p.copyFrom(p.abs());  // heads are non-negative in the released file
                }
            }
            Tensor a = Tensor.uniform(-1, 1, new org.dicface.torch.Generator(1), 2, 3, 32, 32);
            Tensor b = Tensor.uniform(-1, 1, new org.dicface.torch.Generator(2), 2, 3, 32, 32);
            assertEquals(0, lpips.forward(a, a).max().item(), 1e-9);
            assertArrayEquals(lpips.forward(a, b).toFloatArray(), lpips.forward(b, a).toFloatArray(), 1e-6f);
            assertTrue(lpips.forward(a, b).min().item() > 0);
            assertEquals(1, lpips.officialLoss(a, b).numel());
        }
    }

    /** With only the first head (all ones): mean over positions of |unit(f(a)) - unit(f(b))|^2, f = relu1_2 features. */
    @Test
    void theFirstLayerFollowsTheDefinition() {
        try (Lpips lpips = new Lpips(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            Map<String, Tensor> sd = lpips.stateDict();
            for (int k = 0; k < 5; k++) {
                sd.get("lin" + k + ".model.1.weight").copyFrom(Tensor.full(k == 0 ? 1 : 0, org.dicface.torch.DType.FLOAT32,
                        org.dicface.torch.Device.CPU, sd.get("lin" + k + ".model.1.weight").shape()));
            }
            int h = 16;  // four poolings still leave one pixel
            float[] a = Reference.random(3, 3 * h * h);
            float[] b = Reference.random(4, 3 * h * h);
            double expected = reference(sd, a, b, h);
            double got = lpips.forward(Tensor.of(a, 1, 3, h, h), Tensor.of(b, 1, 3, h, h)).item();
            assertEquals(expected, got, 1e-4 * Math.abs(expected));
        }
    }

    private static double reference(Map<String, Tensor> sd, float[] a, float[] b, int h) {
        float[][] units = new float[2][];
        float[][] inputs = {a, b};
        double[] shift = {-0.030, -0.088, -0.188};
        double[] scale = {0.458, 0.448, 0.450};
        for (int n = 0; n < 2; n++) {
            float[] x = inputs[n].clone();
            for (int i = 0; i < x.length; i++) {
                int c = i / (h * h);
                x[i] = (float) ((x[i] - shift[c]) / scale[c]);
            }
            float[] f = relu(Reference.conv2d(x, 1, 3, h, h, sd.get("net.features.0.weight").toFloatArray(),
                    sd.get("net.features.0.bias").toFloatArray(), 64, 3, 1, 1));
            f = relu(Reference.conv2d(f, 1, 64, h, h, sd.get("net.features.2.weight").toFloatArray(),
                    sd.get("net.features.2.bias").toFloatArray(), 64, 3, 1, 1));
            for (int p = 0; p < h * h; p++) {
                double norm = 0;
                for (int c = 0; c < 64; c++) {
                    norm += f[c * h * h + p] * f[c * h * h + p];
                }
                norm = Math.sqrt(norm) + 1e-10;
                for (int c = 0; c < 64; c++) {
                    f[c * h * h + p] /= (float) norm;
                }
            }
            units[n] = f;
        }
        double total = 0;
        for (int i = 0; i < units[0].length; i++) {
            double d = units[0][i] - units[1][i];
            total += d * d;
        }
        return total / (h * h);
    }

    private static float[] relu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0, x[i]);
        }
        return x;
    }

    @Test
    void loadsTorchvisionAndLpipsFiles(@TempDir Path dir) throws Exception {
        try (Lpips source = new Lpips()) {
            Map<String, Tensor> vgg = new LinkedHashMap<>();
            Map<String, Tensor> lin = new LinkedHashMap<>();
            source.stateDict().forEach((k, v) -> {
                if (k.startsWith("net.")) {
                    vgg.put(k.substring(4), v);
                } else {
                    lin.put(k, v);
                }
            });
            vgg.put("classifier.0.weight", Tensor.zeros(2, 2));  // torchvision's file has the classifier too
            Path vggFile = dir.resolve("vgg16.safetensors");
            Path linFile = dir.resolve("vgg.safetensors");
            SafeTensors.write(vggFile, vgg, Map.of());
            SafeTensors.write(linFile, lin, Map.of());
            try (Lpips loaded = Lpips.load(vggFile, linFile)) {
                for (var e : source.stateDict().entrySet()) {
                    assertArrayEquals(e.getValue().toFloatArray(), loaded.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
                }
            }
        }
    }
}
