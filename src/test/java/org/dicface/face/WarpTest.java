package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

class WarpTest {
    static final int W = 160;
    static final int H = 120;

    /** A frame of random values, planar RGB [3, h, w] in [-1, 1]. */
    static float[] noise(int w, int h, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] px = new float[3 * w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat() * 2 - 1;
        }
        return px;
    }

    /** A smooth colour frame: low-frequency waves, so bilinear resampling is nearly exact. */
    static float[] smooth(int w, int h) {
        float[] px = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[(c * h + y) * w + x] = (float) (0.8 * Math.sin(0.05 * x + 0.9 * c) * Math.cos(0.04 * y - 0.3 * c));
                }
            }
        }
        return px;
    }

    @Test
    void aKnownShiftGivesTheShiftedPixelsExactly() {
        try (Scope s = Scope.open()) {
            float[] px = noise(W, H, 1);
            Tensor frame = Tensor.of(px, 3, H, W);
            // crop(u, v) = frame(u + 37, v + 21)
            float[] crop = Warp.align(frame, new Similarity(1, 0, -37, -21), 48).toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 48; v++) {
                    for (int u = 0; u < 48; u++) {
                        assertEquals(px[(c * H + v + 21) * W + u + 37], crop[(c * 48 + v) * 48 + u]);
                    }
                }
            }
        }
    }

    @Test
    void knownScalesAndQuarterTurnsAreExact() {
        try (Scope s = Scope.open()) {
            float[] px = noise(W, H, 2);
            Tensor frame = Tensor.of(px, 3, H, W);
            // halving: crop(u, v) = frame(2u + 10, 2v + 4)
            float[] half = Warp.align(frame, new Similarity(0.5, 0, -5, -2), 32).toFloatArray();
            // a quarter turn: u = -y + 100, v = x - 20, so crop(u, v) = frame(v + 20, 100 - u)
            float[] turn = Warp.align(frame, Similarity.of(1, Math.PI / 2, 100, -20), 40).toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 32; v++) {
                    for (int u = 0; u < 32; u++) {
                        assertEquals(px[(c * H + 2 * v + 4) * W + 2 * u + 10], half[(c * 32 + v) * 32 + u]);
                    }
                }
                for (int v = 0; v < 40; v++) {
                    for (int u = 0; u < 40; u++) {
                        assertEquals(px[(c * H + 100 - u) * W + v + 20], turn[(c * 40 + v) * 40 + u]);
                    }
                }
            }
        }
    }

    @Test
    void aHalfPixelShiftAveragesNeighboursAndTheOutsideIsTheOfficialBorder() {
        try (Scope s = Scope.open()) {
            float[] px = noise(W, H, 3);
            Tensor frame = Tensor.of(px, 3, H, W);
            // crop(u, v) = frame(u + 0.5 + 140, v + 100): the right part falls outside the 160-wide frame
            float[] crop = Warp.align(frame, new Similarity(1, 0, -140.5, -100), 32).toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int v = 0; v < 20; v++) {
                    for (int u = 0; u < 19; u++) {
                        float a = px[(c * H + v + 100) * W + u + 140];
                        float b = px[(c * H + v + 100) * W + u + 141];
                        assertEquals((a + b) / 2, crop[(c * 32 + v) * 32 + u], 1e-6);
                    }
                    // u = 19 samples x = 159.5: half frame, half border
                    assertEquals((px[(c * H + v + 100) * W + 159] + Warp.border(c)) / 2, crop[(c * 32 + v) * 32 + 19], 1e-6);
                    for (int u = 20; u < 32; u++) {
                        assertEquals(Warp.border(c), crop[(c * 32 + v) * 32 + u]);
                    }
                }
                for (int v = 20; v < 32; v++) { // rows 120 and beyond are outside too
                    assertEquals(Warp.border(c), crop[(c * 32 + v) * 32 + 25]);
                }
            }
            // (135, 133, 132) in BGR, as frames are saved
            int[] rgb = {132, 133, 135};
            for (int c = 0; c < 3; c++) {
                assertEquals(rgb[c], Math.rint((Warp.border(c) + 1) * 127.5f));
            }
        }
    }

    @Test
    void aligningAndWarpingBackGivesTheFaceRegionBack() {
        try (Scope s = Scope.open()) {
            float[] px = smooth(W, H);
            Tensor frame = Tensor.of(px, 3, H, W);
            int size = 96;
            Similarity m = Similarity.of(1.6, 0.35, -60, 10); // an enlarged, turned crop
            Tensor crop = Warp.align(frame, m, size);
            Patch back = Warp.toFrame(crop, m, W, H);
            int checked = 0;
            double worst = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double u = m.applyX(x, y);
                    double v = m.applyY(x, y);
                    if (u >= 2 && v >= 2 && u <= size - 3 && v <= size - 3 && x > 0 && y > 0 && x < W - 1 && y < H - 1) {
                        for (int c = 0; c < 3; c++) {
                            worst = Math.max(worst, Math.abs(back.at(c, x, y) - px[(c * H + y) * W + x]));
                        }
                        checked++;
                    } else if (u < -1 || v < -1 || u > size || v > size) {
                        assertEquals(0f, back.at(0, x, y));
                    }
                }
            }
            assertTrue(checked > 1000, "face region of " + checked + " px");
            assertTrue(worst < 0.01, "round trip error " + worst);
        }
    }

    @Test
    void theBackWarpCoversOnlyTheCropsFootprint() {
        try (Scope s = Scope.open()) {
            Tensor crop = Tensor.of(noise(64, 64, 4), 3, 64, 64);
            Patch p = Warp.toFrame(crop, new Similarity(2, 0, -100, -80), 1920, 1080);
            // the crop covers frame x in (49.5, 82), y in (39.5, 72): a 34-pixel box, plus a pixel of slack
            assertTrue(p.width() <= 36 && p.height() <= 36, p.width() + "x" + p.height());
            assertEquals(noiseAt(crop, 0, 0, 0), p.at(0, 50, 40));
        }
    }

    private static float noiseAt(Tensor crop, int c, int u, int v) {
        return crop.toFloatArray()[(c * 64 + v) * 64 + u];
    }
}
