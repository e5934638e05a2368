package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.dicface.torch.Tensor;

class ShotCutsTest {
    /**
     * The frames at which a shot starts, over frames that {@code view} makes (w x h), given as they are as
     * thumbnails (the reduction to block means is tested on its own; ShotCuts on whole frames in FaceTrackerTest).
     */
    private static List<Integer> starts(int frames, int w, int h, java.util.function.IntFunction<float[]> view) {
        ShotCuts cuts = new ShotCuts();
        List<Integer> starts = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            if (cuts.startsShot(new ShotCuts.Thumbnail(w, h, view.apply(f)))) {
                starts.add(f);
            }
        }
        return starts;
    }

    private static final java.util.Map<String, java.awt.image.BufferedImage> PHOTOS = new java.util.HashMap<>();

    /** A window of a real photo of the repository (testdata/face-api), as RGB planes in [-1, 1]. */
    private static float[] photo(String name, int x0, int y0, int w, int h, double gain, double bias) {
        java.awt.image.BufferedImage image = PHOTOS.computeIfAbsent(name, n -> {
            try {
                return javax.imageio.ImageIO.read(Path.of("testdata/face-api", n + ".png").toFile());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        float[] out = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x0 + x, y0 + y);
                for (int c = 0; c < 3; c++) {
                    double v = ((rgb >> (16 - 8 * c)) & 255) / 127.5 - 1;
                    out[c * w * h + y * w + x] = (float) Math.clamp(gain * v + bias, -1, 1);
                }
            }
        }
        return out;
    }

    /**
     * Real photos: the camera panning over one photo under flickering light is one shot; cutting from one photo
     * to another (three faces to five, people to a window, each panning) is found at the frame where it happens.
     * Whole frames go through the thumbnail here.
     */
    @Test
    void realPhotos() {
        String[][] pairs = {{"sample1", "sample2"}, {"sample2", "sample5"}, {"sample5", "no-face"}, {"no-face", "sample1"}};
        for (String[] pair : pairs) {
            List<Integer> starts = new ArrayList<>();
            ShotCuts cuts = new ShotCuts();
            for (int f = 0; f < 16; f++) {
                float[] rgb = photo(f < 8 ? pair[0] : pair[1], 3 * (f % 8), f % 8, 192, 100,
                        1 + 0.12 * Math.sin(1.3 * f), 0.06 * Math.cos(0.7 * f));
                try (Tensor frame = Tensor.of(rgb, 3, 100, 192)) {
                    if (cuts.startsShot(frame)) {
                        starts.add(f);
                    }
                }
            }
            assertEquals(List.of(0, 8), starts, pair[0] + " to " + pair[1]);
        }
    }

    /** A panning camera under flickering light, and a fade in: one shot, for each of six scenes. */
    @Test
    void cameraMotionAndFlickerAreNoCut() {
        for (long scene = 1; scene <= 6; scene++) {
            long s = scene;
            assertEquals(List.of(0), starts(30, 96, 60, f -> SyntheticScenes.view(s, 96, 60, 2 * f, 0.6 * f,
                    1 + 0.12 * Math.sin(1.3 * f), 0.06 * Math.cos(0.7 * f))), "pan, scene " + scene);
            assertEquals(List.of(0), starts(20, 96, 60, f -> SyntheticScenes.view(s, 96, 60, 0, 0,
                    0.5 + 0.03 * f, -0.2 + 0.01 * f)), "fade in, scene " + scene);
        }
    }

    /** Cuts between different scenes, the camera moving in each, are found at the frame where they happen. */
    @Test
    void cutsBetweenScenesAreFound() {
        for (long scene = 1; scene <= 6; scene++) {
            long a = scene;
            long b = scene % 6 + 1;
            assertEquals(List.of(0, 10, 25), starts(35, 96, 60, f -> SyntheticScenes.view(f < 10 || f >= 25 ? a : b,
                    96, 60, f, 0, 1 + 0.05 * Math.sin(f), 0)), "scenes " + a + " and " + b);
        }
    }

    /**
     * Change at every frame (three scenes in turn, like a strobe or a whip pan) raises the recent mean distance:
     * with the default ratio only the first change cuts, with the ratio test off (1) most frames do.
     */
    @Test
    void sustainedChangeDoesNotCutEveryFrame() {
        assertEquals(List.of(0, 1), cycling(ShotCutOptions.DEFAULT));
        assertTrue(cycling(new ShotCutOptions(0.2, 1, 8, 64)).size() > 20);
    }

    private static List<Integer> cycling(ShotCutOptions options) {
        ShotCuts cuts = new ShotCuts(options);
        List<Integer> starts = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            if (cuts.startsShot(new ShotCuts.Thumbnail(64, 40, SyntheticScenes.view(1 + f % 3, 64, 40, 0, 0, 1, 0)))) {
                starts.add(f);
            }
        }
        return starts;
    }

    /** The thumbnail is the mean of square blocks (W / width) pixels wide, the remainder left out. */
    @Test
    void thumbnailIsBlockMeans() {
        int w = 13;
        int h = 7;
        float[] rgb = new float[3 * w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (float) Math.sin(i * 0.37);
        }
        try (Tensor frame = Tensor.of(rgb, 3, h, w)) {
            ShotCuts.Thumbnail t = ShotCuts.thumbnail(frame, 4);
            assertEquals(4, t.width()); // blocks of 13 / 4 = 3 pixels, the 13th column left out
            assertEquals(2, t.height());
            float[] expected = new float[3 * 2 * 4];
            for (int c = 0; c < 3; c++) {
                for (int by = 0; by < 2; by++) {
                    for (int bx = 0; bx < 4; bx++) {
                        double s = 0;
                        for (int y = 0; y < 3; y++) {
                            for (int x = 0; x < 3; x++) {
                                s += rgb[c * w * h + (3 * by + y) * w + 3 * bx + x];
                            }
                        }
                        expected[c * 8 + by * 4 + bx] = (float) (s / 9);
                    }
                }
            }
            assertArrayEquals(expected, t.rgb(), 1e-6f);
            // a frame narrower than the thumbnail is taken as it is
            assertArrayEquals(rgb, ShotCuts.thumbnail(frame, 64).rgb(), 0f);
        }
    }

    /**
     * In blocks taller than 8 pixels every (block / 8)-th row is read: 400 x 40 in blocks of 40 (the height
     * bounds the block) reads rows 0, 5, ..., 35 of each block, all its columns. A frame that is a view into a
     * larger stack gives the same thumbnail as its copy.
     */
    @Test
    void largeBlocksAreSampled() {
        int w = 400;
        int h = 40;
        float[] rgb = new float[2 * 3 * w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (float) Math.sin(i * 0.0137) * (i % 7) / 7;
        }
        try (Tensor stack = Tensor.of(rgb, 2, 3, h, w); Tensor frame = stack.narrow(0, 1, 1).reshape(3, h, w)) {
            ShotCuts.Thumbnail t = ShotCuts.thumbnail(frame, 4);
            assertEquals(10, t.width());
            assertEquals(1, t.height());
            int offset = 3 * w * h;
            for (int c = 0; c < 3; c++) {
                for (int bx = 0; bx < 10; bx++) {
                    double s = 0;
                    for (int y = 0; y < 40; y += 5) {
                        for (int x = 0; x < 40; x++) {
                            s += rgb[offset + c * w * h + y * w + 40 * bx + x];
                        }
                    }
                    assertEquals(s / 320, t.rgb()[c * 10 + bx], 1e-6, "channel " + c + ", block " + bx);
                }
            }
            try (Tensor copy = frame.copy()) {
                assertArrayEquals(t.rgb(), ShotCuts.thumbnail(copy, 4).rgb(), 0f);
            }
        }
    }

    /** Brightness and contrast do not change the distance: the luminance is normalised. */
    @Test
    void distanceIgnoresGainAndOffset() {
        float[] a = SyntheticScenes.view(3, 64, 40, 0, 0, 0.8, 0);
        float[] b = SyntheticScenes.view(3, 64, 40, 0, 0, 0.8, 0);
        for (int i = 0; i < b.length; i++) {
            b[i] = 1.1f * b[i] - 0.05f;
        }
        double d = ShotCuts.distance(ShotCuts.histograms(new ShotCuts.Thumbnail(64, 40, a)),
                ShotCuts.histograms(new ShotCuts.Thumbnail(64, 40, b)));
        assertTrue(d < 0.05, "distance " + d);
        double other = ShotCuts.distance(ShotCuts.histograms(new ShotCuts.Thumbnail(64, 40, a)),
                ShotCuts.histograms(new ShotCuts.Thumbnail(64, 40, SyntheticScenes.view(4, 64, 40, 0, 0, 0.8, 0))));
        assertTrue(other > 0.3, "distance to another scene " + other);
    }
}
