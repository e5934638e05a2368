package org.dicface.train;

import org.dicface.io.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.dicface.metrics.ImageMetrics;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** The restoration degradations: kernels, blur, resizing, noise and H.264, and their statistics. */
class DegradationTest extends ScopedTest {

    static double[] moments(double[] k) {
        int n = BlurKernel.SIZE;
        int r = n / 2;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        double sum = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double v = k[y * n + x];
                sum += v;
                sxx += v * (x - r) * (x - r);
                syy += v * (y - r) * (y - r);
                sxy += v * (x - r) * (y - r);
            }
        }
        return new double[] {sum, sxx, syy, sxy};
    }

    @Test
    void kernelsAreNormalisedGaussiansWithTheirShapeAndOrientation() {
        double[] iso = moments(BlurKernel.gaussian(2, 2, 0));
        assertEquals(1, iso[0], 1e-12);
        assertEquals(4, iso[1], 0.05, "variance sigma^2 (barely truncated at radius 10)");
        assertEquals(iso[1], iso[2], 1e-12);
        assertEquals(0, iso[3], 1e-12);
        double[] aniso = moments(BlurKernel.gaussian(3, 1, Math.PI / 2));  // rotated 90 degrees: wide along y
        assertEquals(1, aniso[1], 0.02);
        assertEquals(9, aniso[2], 0.1);
        double[] diagonal = moments(BlurKernel.gaussian(3, 1, Math.PI / 4));
        assertTrue(diagonal[3] > 3, "rotated 45 degrees: x and y correlate, " + diagonal[3]);
        Random r = new Random(1);
        int iso70 = 0;
        for (int i = 0; i < 2000; i++) {
            double[] m = moments(BlurKernel.random(r));
            assertEquals(1, m[0], 1e-9);
            if (Math.abs(m[1] - m[2]) < 1e-9 && Math.abs(m[3]) < 1e-9) {
                iso70++;
            }
        }
        assertEquals(0.7, iso70 / 2000.0, 0.04, "isotropic with p 0.7");
    }

    @Test
    void blurKeepsFlatImagesAndSmoothsEdges() {
        Tensor flat = Tensor.full(0.4, DType.FLOAT32, Device.CPU, 2, 3, 24, 24);
        double[] k = BlurKernel.gaussian(3, 3, 0);
        assertEquals(0.4, BlurKernel.apply(flat, k).amax(new long[] {0, 1, 2, 3}, false).item(), 1e-6);
        float[] step = new float[24 * 24];
        for (int i = 0; i < step.length; i++) {
            step[i] = (i % 24) < 12 ? 0 : 1;
        }
        Tensor edge = Tensor.of(step, 1, 1, 24, 24);
        float[] blurred = BlurKernel.apply(edge, k).toFloatArray();
        assertEquals(24 * 24, blurred.length, "same size (reflect border)");
        assertTrue(blurred[12 * 24 + 11] > 0.2 && blurred[12 * 24 + 12] < 0.8, "the edge is softened");
    }

    @Test
    void resizeToAQuarterAndBack() {
        Tensor frames = Tensor.uniform(0, 1, new Generator(2), 2, 3, 32, 32);
        for (Resize mode : Resize.values()) {
            Tensor small = mode.apply(frames, 8, 8);
            assertArrayEquals(new long[] {2, 3, 8, 8}, small.shape(), mode.name());
            assertArrayEquals(new long[] {2, 3, 32, 32}, mode.apply(small, 32, 32).shape(), mode.name());
        }
        Tensor area = Resize.AREA.apply(frames, 8, 8);
        assertEquals(frames.narrow(2, 0, 4).narrow(3, 0, 4).narrow(0, 0, 1).narrow(1, 0, 1).mean().item(),
                area.narrow(2, 0, 1).narrow(3, 0, 1).narrow(0, 0, 1).narrow(1, 0, 1).item(), 1e-6, "area = box mean");
        Random r = new Random(3);
        int[] counts = new int[3];
        for (int i = 0; i < 5000; i++) {
            counts[Resize.random(r).ordinal()]++;
        }
        assertEquals(0.2, counts[0] / 5000.0, 0.02);
        assertEquals(0.4, counts[1] / 5000.0, 0.02);
    }

    @Test
    void noiseHasItsSigmaAndGrayNoiseIsShared() {
        Tensor mid = Tensor.full(0.5, DType.FLOAT32, Device.CPU, 3, 64, 64);
        try (Generator g = new Generator(4)) {
            Tensor colour = Noise.add(mid, 10 / 255.0, false, g).sub(0.5);
            assertEquals(10 / 255.0, Math.sqrt(colour.square().mean().item()), 0.002);
            Tensor gray = Noise.add(mid, 10 / 255.0, true, g);
            assertArrayEquals(gray.narrow(0, 0, 1).toFloatArray(), gray.narrow(0, 2, 1).toFloatArray(), "the same for every channel");
            Tensor clipped = Noise.add(Tensor.ones(3, 8, 8), 0.5, false, g);
            assertTrue(clipped.max().item() <= 1 && clipped.min().item() >= 0);
        }
    }

    @Test
    void h264LosesMoreAtHigherQuantisers() throws Exception {
        // smooth gray content (random noise cannot be compressed at any rate; gray keeps yuv420p's chroma
        // subsampling out of the comparison)
        Tensor frames = BlurKernel.apply(Tensor.uniform(0, 1, new Generator(5), 5, 1, 96, 96), BlurKernel.gaussian(4, 4, 0))
                .sub(0.5).mul(4).add(0.5).clamp(0, 1).expand(5, 3, 96, 96).contiguous();
        Tensor q18 = Compression.h264(frames, 18);
        Tensor q40 = Compression.h264(frames, 40);
        assertArrayEquals(frames.shape(), q18.shape());
        double p18 = ImageMetrics.psnr(frames.mul(255).reshape(15, 96, 96), q18.mul(255).reshape(15, 96, 96));
        double p40 = ImageMetrics.psnr(frames.mul(255).reshape(15, 96, 96), q40.mul(255).reshape(15, 96, 96));
        assertTrue(p18 > p40 + 2, "CRF 18 keeps more than CRF 40: " + p18 + " vs " + p40 + " dB");
        assertTrue(p18 > 28, "CRF-18-like quality: " + p18 + " dB");
        assertEquals(2 * Compression.bitsPerPixel(24), Compression.bitsPerPixel(18), 1e-12, "6 steps halve the rate");
        assertThrows(IllegalArgumentException.class, () -> Compression.h264(Tensor.zeros(1, 3, 7, 8), 20));
    }

    @Test
    void brushStrokesCoverAPlausibleShareAndRepeatWithTheSeed() {
        double total = 0;
        for (int i = 0; i < 40; i++) {
            Tensor m = BrushStrokes.mask(256, 256, new Random(i));
            double share = m.mean().item();
            assertTrue(share > 0.005 && share < 0.9, "stroke " + i + " covers " + share);
            total += share;
        }
        assertTrue(total / 40 > 0.05 && total / 40 < 0.6, "mean cover " + total / 40);
        assertArrayEquals(BrushStrokes.mask(64, 48, new Random(7)).toFloatArray(), BrushStrokes.mask(64, 48, new Random(7)).toFloatArray());
        Tensor clip = Tensor.full(0.2, DType.FLOAT32, Device.CPU, 5, 3, 48, 64);
        Tensor m = BrushStrokes.mask(64, 48, new Random(7));
        Tensor painted = BrushStrokes.paint(clip, m);
        assertEquals(m.sum().item() * 15, painted.eq(1).to(DType.FLOAT32).sum().item(), 1e-3, "white on every frame and channel");
    }

    @Test
    void everyTaskDegradesReproducibly() throws Exception {
        Tensor clip = BlurKernel.apply(Tensor.uniform(0, 1, new Generator(9), 5, 3, 64, 64), BlurKernel.gaussian(2, 2, 0));
        for (Task task : Task.values()) {
            Tensor a = Degradation.apply(task, clip, 11);
            Tensor b = Degradation.apply(task, clip, 11);
            assertArrayEquals(clip.shape(), a.shape(), task.name());
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), task + ": same seed, same input");
            assertTrue(a.min().item() >= 0 && a.max().item() <= 1, task.name());
        }
        Tensor gray = Degradation.apply(Task.COLORIZE, clip, 0);
        assertArrayEquals(gray.narrow(1, 0, 1).toFloatArray(), gray.narrow(1, 2, 1).toFloatArray(), "three equal channels");
        double restoredPsnr = ImageMetrics.psnr(clip.mul(255).reshape(15, 64, 64),
                Degradation.apply(Task.RESTORE, clip, 3).mul(255).reshape(15, 64, 64));
        assertTrue(restoredPsnr < 40, "the restoration input is visibly degraded: " + restoredPsnr + " dB");
    }

    @Test
    void smallerFramesAreDegradedAtTheDegradationSize() throws Exception {
        assertEquals(4, Degradation.enlargement(128, 128, 512));
        assertEquals(6, Degradation.enlargement(100, 90, 512), "the smallest whole factor reaching 512");
        assertEquals(1, Degradation.enlargement(512, 512, 512));
        assertEquals(1, Degradation.enlargement(300, 600, 512));
        assertEquals(1, Degradation.enlargement(128, 128, 0));
        assertThrows(IllegalArgumentException.class, () -> Degradation.checkSize(-1));
        assertThrows(IllegalArgumentException.class, () -> Degradation.checkSize(Degradation.MAX_SIZE + 1));
        Tensor clip = BlurKernel.apply(Tensor.uniform(0, 1, new Generator(4), 5, 3, 32, 32), BlurKernel.gaussian(3, 3, 0));
        Tensor scaled = Degradation.apply(Task.RESTORE, clip, 5, 128);
        assertArrayEquals(clip.shape(), scaled.shape());
        // the same as enlarging by 4 by hand, degrading there and averaging each 4 x 4 block back
        Tensor large = Degradation.apply(Task.RESTORE, clip.upsampleBicubic(128, 128, false).clamp(0, 1), 5, 0);
        float[] l = large.toFloatArray();
        float[] s = scaled.toFloatArray();
        for (int p = 0; p < 15; p++) {
            for (int y = 0; y < 32; y += 7) {
                for (int x = 0; x < 32; x += 5) {
                    double sum = 0;
                    for (int dy = 0; dy < 4; dy++) {
                        for (int dx = 0; dx < 4; dx++) {
                            sum += l[p * 128 * 128 + (4 * y + dy) * 128 + 4 * x + dx];
                        }
                    }
                    assertEquals(sum / 16, s[p * 32 * 32 + y * 32 + x], 1e-5);
                }
            }
        }
        // x4 of 32 pixels leaves 8; at 128 the clip keeps much more of itself
        double own = 0;
        double atSize = 0;
        for (long seed = 0; seed < 8; seed++) {  // means over seeds: one strong blur kernel can hide it in one clip
            own += ImageMetrics.psnr(clip.mul(255).reshape(15, 32, 32), Degradation.apply(Task.RESTORE, clip, seed, 0).mul(255).reshape(15, 32, 32)) / 8;
            atSize += ImageMetrics.psnr(clip.mul(255).reshape(15, 32, 32), Degradation.apply(Task.RESTORE, clip, seed, 128).mul(255).reshape(15, 32, 32)) / 8;
        }
        assertTrue(atSize > own + 2, "at 128: " + atSize + " dB, at its own size: " + own + " dB");
        assertArrayEquals(Degradation.apply(Task.RESTORE, clip, 5, 32).toFloatArray(), Degradation.apply(Task.RESTORE, clip, 5, 0).toFloatArray(),
                "a clip as large as the degradation size is degraded as it is");
    }
}
