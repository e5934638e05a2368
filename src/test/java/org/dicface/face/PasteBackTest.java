package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dicface.face.PasteBack.PlacedFace;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

class PasteBackTest {
    static final int W = 200;
    static final int H = 150;
    static final int SIZE = 64;

    /** A face of the synthetic shape, {@code side} pixels wide in the frame (the 512 crop's width), at (x, y). */
    private static PlacedFace face(double side, double x, double y, double angle, Tensor crop) {
        Landmarks frame68 = SyntheticFace.inFrame(Similarity.of(512 / side, angle, 0, 0).compose(
                new Similarity(1, 0, -x, -y)));
        Similarity m = FaceTemplate.alignment(frame68.alignmentPoints(), SIZE);
        return PlacedFace.of(crop, m, frame68);
    }

    private static Tensor constantCrop(float r, float g, float b) {
        float[] px = new float[3 * SIZE * SIZE];
        java.util.Arrays.fill(px, 0, SIZE * SIZE, r);
        java.util.Arrays.fill(px, SIZE * SIZE, 2 * SIZE * SIZE, g);
        java.util.Arrays.fill(px, 2 * SIZE * SIZE, 3 * SIZE * SIZE, b);
        return Tensor.of(px, 3, SIZE, SIZE);
    }

    @Test
    void pixelsOutsideEveryMaskAreTheInputsBitForBit() {
        try (Scope s = Scope.open()) {
            float[] in = WarpTest.noise(W, H, 7);
            Tensor frame = Tensor.of(in, 3, H, W);
            Tensor crop = Tensor.of(WarpTest.noise(SIZE, SIZE, 8), 3, SIZE, SIZE);
            PlacedFace a = face(90, 20, 10, 0.1, crop);
            PlacedFace b = face(60, 120, 60, -0.3, crop);
            float[] out = PasteBack.composite(frame, List.of(a, b)).toFloatArray();
            Patch ma = PasteBack.mask(a, W, H);
            Patch mb = PasteBack.mask(b, W, H);
            int same = 0;
            int changed = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    boolean outside = ma.at(0, x, y) == 0 && mb.at(0, x, y) == 0;
                    for (int c = 0; c < 3; c++) {
                        int i = (c * H + y) * W + x;
                        if (outside) {
                            assertEquals(Float.floatToRawIntBits(in[i]), Float.floatToRawIntBits(out[i]), "pixel " + x + "," + y);
                            assertEquals(Math.rint((in[i] + 1) * 127.5f), Math.rint((out[i] + 1) * 127.5f));
                            same++;
                        } else if (out[i] != in[i]) {
                            changed++;
                        }
                    }
                }
            }
            assertTrue(same > 3 * W * H / 2, "outside pixels " + same);
            assertTrue(changed > 3 * 1000, "pasted pixels " + changed);
            assertArrayEquals(in, frame.toFloatArray(), "the input frame is not touched");
        }
    }

    @Test
    void theLargerFaceIsCompositedLast() {
        try (Scope s = Scope.open()) {
            Tensor frame = Tensor.zeros(3, H, W);
            PlacedFace small = face(70, 70, 40, 0, constantCrop(0.8f, 0.8f, 0.8f));
            PlacedFace large = face(110, 50, 20, 0, constantCrop(-0.8f, -0.8f, -0.8f));
            float[] one = PasteBack.composite(frame, List.of(small, large)).toFloatArray();
            float[] two = PasteBack.composite(frame, List.of(large, small)).toFloatArray();
            assertArrayEquals(one, two, "the order of the list does not matter");
            Patch ms = PasteBack.mask(small, W, H);
            Patch ml = PasteBack.mask(large, W, H);
            int overlap = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    if (ms.at(0, x, y) > 0.999 && ml.at(0, x, y) > 0.999) {
                        assertEquals(-0.8f, one[y * W + x], 2e-3, "pixel " + x + "," + y);
                        overlap++;
                    }
                }
            }
            assertTrue(overlap > 500, "overlap " + overlap);
        }
    }

    @Test
    void aGrayInputGetsGrayFacesBack() {
        try (Scope s = Scope.open()) {
            float[] gray = WarpTest.smooth(W, H);
            System.arraycopy(gray, 0, gray, W * H, W * H);
            System.arraycopy(gray, 0, gray, 2 * W * H, W * H);
            Tensor grayFrame = Tensor.of(gray, 3, H, W);
            Tensor colourFrame = Tensor.of(WarpTest.smooth(W, H), 3, H, W);
            assertTrue(PasteBack.isGray(grayFrame));
            assertFalse(PasteBack.isGray(colourFrame));
            PlacedFace f = face(100, 50, 25, 0.05, constantCrop(0.6f, -0.2f, -0.5f));
            float[] out = PasteBack.composite(grayFrame, List.of(f)).toFloatArray();
            float[] coloured = PasteBack.composite(colourFrame, List.of(f)).toFloatArray();
            Patch m = PasteBack.mask(f, W, H);
            int inside = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int i = y * W + x;
                    assertEquals(out[i], out[W * H + i], 1e-6);
                    assertEquals(out[i], out[2 * W * H + i], 1e-6);
                    if (m.at(0, x, y) > 0.999) {
                        // 0.2989·0.8 + 0.587·0.4 + 0.114·0.25 in [0, 1], back to [-1, 1]
                        assertEquals(0.2989 * 0.8 + 0.5870 * 0.4 + 0.1140 * 0.25, (out[i] + 1) / 2, 1e-3);
                        assertEquals(0.6f, coloured[i], 1e-3);
                        assertEquals(-0.5f, coloured[2 * W * H + i], 1e-3);
                        inside++;
                    }
                }
            }
            assertTrue(inside > 1000, "face pixels " + inside);
        }
    }

    @Test
    void isGrayFollowsTheOfficialThreshold() {
        try (Scope s = Scope.open()) {
            // green ±d from red and blue on 0-255: the variances of R-G, G-B, B-R are d², d², 0, their mean 2d²/3
            assertTrue(PasteBack.isGray(tinted(3)));   // 6
            assertFalse(PasteBack.isGray(tinted(4)));  // 10.7
        }
    }

    /** A frame whose green channel is d levels above or below red and blue, alternately. */
    private static Tensor tinted(int d) {
        float[] px = new float[3 * W * H];
        for (int i = 0; i < W * H; i++) {
            float base = 100 + (i % 7);
            float g = base + (i % 2 == 0 ? d : -d);
            px[i] = base / 127.5f - 1;
            px[W * H + i] = g / 127.5f - 1;
            px[2 * W * H + i] = base / 127.5f - 1;
        }
        return Tensor.of(px, 3, H, W);
    }

    @Test
    void noFacesGiveTheFrameBackAndAFaceOutsideTheFrameChangesNothing() {
        try (Scope s = Scope.open()) {
            float[] in = WarpTest.noise(W, H, 9);
            Tensor frame = Tensor.of(in, 3, H, W);
            assertArrayEquals(in, PasteBack.composite(frame, List.of()).toFloatArray());
            PlacedFace away = face(80, 500, 400, 0, constantCrop(1, 1, 1));
            assertArrayEquals(in, PasteBack.composite(frame, List.of(away)).toFloatArray());
        }
    }
}
