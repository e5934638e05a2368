package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FaceMaskTest {
    @Test
    void wEdgeIsTheIntegerSquareRootOverTwenty() {
        assertEquals(0, SquareMask.wEdge(399.99));
        assertEquals(1, SquareMask.wEdge(400));
        assertEquals(1, SquareMask.wEdge(1599.9)); // sqrt = 39.999
        assertEquals(2, SquareMask.wEdge(1600));
        assertEquals(20, SquareMask.wEdge(160000));
    }

    /** The official mask computed the plain way, over the whole frame, with OpenCV's borders. */
    private static double[] plainSquareMask(Similarity m, int size, int w, int h) {
        double[] ones = new double[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = m.applyX(x, y);
                double v = m.applyY(x, y);
                int u0 = (int) Math.floor(u);
                int v0 = (int) Math.floor(v);
                double fu = u - u0;
                double fv = v - v0;
                double s = 0;
                for (int dv = 0; dv < 2; dv++) {
                    for (int du = 0; du < 2; du++) {
                        boolean in = u0 + du >= 0 && u0 + du < size && v0 + dv >= 0 && v0 + dv < size;
                        s += in ? (du == 0 ? 1 - fu : fu) * (dv == 0 ? 1 - fv : fv) : 0;
                    }
                }
                ones[y * w + x] = s;
            }
        }
        double[] eroded = erode(ones, w, h, 2);
        double area = 0;
        for (double v : eroded) {
            area += v;
        }
        int edge = (int) Math.floor(Math.sqrt(area)) / 20;
        assertTrue(edge >= 2, "the test wants a real feather, w_edge " + edge);
        double[] center = erode(eroded, w, h, 2 * edge);
        return blur(center, w, h, 2 * edge + 1);
    }

    /** cv2.erode with a k×k kernel of ones, anchor (k/2, k/2), nothing outside the frame. */
    private static double[] erode(double[] in, int w, int h, int k) {
        double[] out = new double[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double min = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < k; i++) {
                        int xx = x + i - k / 2;
                        int yy = y + j - k / 2;
                        if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
                            min = Math.min(min, in[yy * w + xx]);
                        }
                    }
                }
                out[y * w + x] = min;
            }
        }
        return out;
    }

    /** cv2.GaussianBlur(ksize, σ = 0) with BORDER_REFLECT_101. */
    private static double[] blur(double[] in, int w, int h, int ksize) {
        double[] kernel = new double[ksize];
        if (ksize == 5) { // OpenCV's fixed kernels for sizes up to 7 with σ = 0
            kernel = new double[] {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};
        } else if (ksize == 7) {
            kernel = new double[] {1 / 32.0, 3.5 / 32.0, 7 / 32.0, 9 / 32.0, 7 / 32.0, 3.5 / 32.0, 1 / 32.0};
        } else {
            double sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
            double sum = 0;
            for (int i = 0; i < ksize; i++) {
                double d = i - (ksize - 1) / 2.0;
                kernel[i] = Math.exp(-d * d / (2 * sigma * sigma));
                sum += kernel[i];
            }
            for (int i = 0; i < ksize; i++) {
                kernel[i] /= sum;
            }
        }
        int r = ksize / 2;
        double[] out = new double[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int j = -r; j <= r; j++) {
                    for (int i = -r; i <= r; i++) {
                        s += kernel[i + r] * kernel[j + r] * in[reflect(y + j, h) * w + reflect(x + i, w)];
                    }
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    private static int reflect(int p, int n) {
        return p < 0 ? -p : p >= n ? 2 * n - 2 - p : p;
    }

    @Test
    void theSquareMaskOverTheFootprintEqualsThePlainWholeFrameComputation() {
        int w = 150;
        int h = 110;
        Similarity[] cases = {
            Similarity.of(0.62, 0.3, 20, 15), // w_edge 3 (OpenCV's fixed 7-tap kernel), over the top-left corner
            Similarity.of(1.4, -0.2, -120, -60), // w_edge 2 (the fixed 5-tap kernel)
            Similarity.of(0.3, 0.5, 5, -10), // w_edge 5 (a computed 11-tap kernel), a face larger than the frame
        };
        for (Similarity m : cases) {
            double[] plain = plainSquareMask(m, 64, w, h);
            Patch patch = SquareMask.inFrame(m, 64, w, h);
            double worst = 0;
            double total = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    worst = Math.max(worst, Math.abs(patch.at(0, x, y) - plain[y * w + x]));
                    total += plain[y * w + x];
                }
            }
            assertTrue(total > 500, "mask area " + total);
            assertTrue(worst < 1e-5, m + ": off by " + worst);
        }
    }

    private static Similarity alignment(Landmarks frame68, int size) {
        return FaceTemplate.alignment(frame68.alignmentPoints(), size);
    }

    @Test
    void theMaskCoversTheFaceAndFollowsItsLandmarks() {
        int size = 128;
        Similarity toTemplate = Similarity.of(512 / 180.0, 0.2, -400, -150);
        Landmarks face = SyntheticFace.inFrame(toTemplate);
        Similarity m = alignment(face, size);
        FaceMask mask = FaceMask.of(face, m, size);
        double eyeChin = Math.hypot((face.x(36) + face.x(45)) / 2 - face.x(8), (face.y(36) + face.y(45)) / 2 - face.y(8));
        // the nose tip and the cheeks are inside: after the feather, 1
        assertEquals(1, at(mask, m, face.x(30), face.y(30)), 1e-3);
        assertEquals(1, at(mask, m, (face.x(30) + face.x(3)) / 2, (face.y(30) + face.y(3)) / 2), 1e-3);
        // the forehead above the brows is covered too
        double fx = (face.x(19) + face.x(24)) / 2 - 0.15 * (face.x(8) - face.x(27));
        double fy = (face.y(19) + face.y(24)) / 2 - 0.15 * (face.y(8) - face.y(27));
        assertTrue(at(mask, m, fx, fy) > 0.9, "forehead " + at(mask, m, fx, fy));
        // well below the chin and beside the jaw: 0
        double bx = face.x(8) + 0.35 * (face.x(8) - face.x(27));
        double by = face.y(8) + 0.35 * (face.y(8) - face.y(27));
        assertEquals(0, at(mask, m, bx, by));
        assertEquals(0, at(mask, m, face.x(0) + 0.4 * (face.x(0) - face.x(16)), face.y(0) + 0.4 * (face.y(0) - face.y(16))));
        assertTrue(eyeChin > 50);

        // a narrower jaw, same alignment: the cheek near the old jaw line leaves the mask
        double[] xy = face.xy();
        for (int i = 0; i <= 16; i++) {
            xy[2 * i] = face.x(30) + 0.6 * (face.x(i) - face.x(30));
            xy[2 * i + 1] = face.y(30) + 0.6 * (face.y(i) - face.y(30));
        }
        FaceMask narrow = FaceMask.of(new Landmarks(xy), m, size);
        double cx = face.x(30) + 0.9 * (face.x(4) - face.x(30));
        double cy = face.y(30) + 0.9 * (face.y(4) - face.y(30));
        assertTrue(at(mask, m, cx, cy) > 0.7, "cheek, wide jaw " + at(mask, m, cx, cy));
        assertTrue(at(narrow, m, cx, cy) < 0.05, "cheek, narrow jaw " + at(narrow, m, cx, cy));
    }

    private static double at(FaceMask mask, Similarity m, double x, double y) {
        return mask.at(m.applyX(x, y), m.applyY(x, y));
    }

    @Test
    void theMaskMovesWithTheFace() {
        int size = 64;
        Similarity toTemplate = Similarity.of(512 / 150.0, 0, -300, -200);
        Landmarks face = SyntheticFace.inFrame(toTemplate);
        Landmarks moved = Similarity.of(1, 0, 40, 25).apply(face);
        Similarity m = alignment(face, size);
        Similarity mm = alignment(moved, size);
        FaceMask mask = FaceMask.of(face, m, size);
        FaceMask movedMask = FaceMask.of(moved, mm, size);
        for (int i : new int[] {2, 8, 14, 30, 33}) {
            for (double f : new double[] {0.5, 0.8, 1.0, 1.1}) {
                double x = face.x(30) + f * (face.x(i) - face.x(30));
                double y = face.y(30) + f * (face.y(i) - face.y(30));
                assertEquals(at(mask, m, x, y), at(movedMask, mm, x + 40, y + 25), 1e-4);
            }
        }
    }
}
