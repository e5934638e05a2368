package org.dicface.face.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.dicface.face.Box;
import org.dicface.face.Landmarks;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSource;
import org.dicface.video.VideoProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test scenes themselves: ground truth against the rendered pixels, cuts, occlusions, sizes, the video file. */
class SceneTest {
    private static final Scenes.Options SMALL = new Scenes.Options(320, 240, 24, 1);

    @TempDir
    Path dir;

    /** A gray face sprite with red blobs at five of its 68 points (the astronaut's, moved onto it). */
    private static Sprite markedSprite(int[] marked) {
        int w = 120;
        int h = 150;
        Landmarks still = Sprite.face(Scenes.ASTRONAUT).landmarks();
        double[] xy = still.xy();
        for (int i = 0; i < xy.length; i += 2) {  // keep them well inside, at fractional places
            xy[i] = 10 + (xy[i] - 40) * 1.1 + 0.37;
            xy[i + 1] = 10 + (xy[i + 1] - 50) * 1.1 + 0.21;
        }
        float[] rgb = new float[3 * w * h];
        Arrays.fill(rgb, 0.5f);
        for (int m : marked) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double d2 = Math.pow(x - xy[2 * m], 2) + Math.pow(y - xy[2 * m + 1], 2);
                    float blob = (float) (0.5 * Math.exp(-d2 / (2 * 1.5 * 1.5)));
                    int p = 3 * (y * w + x);
                    rgb[p] += blob;
                    rgb[p + 1] -= blob;
                    rgb[p + 2] -= blob;
                }
            }
        }
        float[] alpha = new float[w * h];
        Arrays.fill(alpha, 1);
        return new Sprite("marked", w, h, rgb, alpha, new Box(0, 0, w, h), new Landmarks(xy));
    }

    private static Sprite flat(float value) {
        float[] rgb = new float[3 * 64 * 48];
        Arrays.fill(rgb, value);
        float[] alpha = new float[64 * 48];
        Arrays.fill(alpha, 1);
        return new Sprite("flat", 64, 48, rgb, alpha, null, null);
    }

    @Test
    void groundTruthLandmarksAreWhereTheMarkersLand() {
        int[] marked = {0, 16, 30, 36, 48, 57};
        Sprite sprite = markedSprite(marked);
        Sprite bg = flat(0.5f);
        int w = 400;
        int h = 300;
        double[][] placements = {{1.7, 23, 201.3, 148.6}, {0.8, -35, 150.25, 160.75}, {1, 0, 199, 150}};
        for (double[] p : placements) {
            Layer layer = Layer.face(sprite, i -> Scenes.about(59.5, 74.5, p[0], p[1], p[2], p[3]));
            Scene scene = new Scene("markers", w, h, List.of(new Shot(0, 1, bg, Shot.panning(bg, w, h, 0, 1, 0), List.of(layer))));
            float[] px = scene.pixels(0);
            Landmarks truth = scene.truth(0).faces().getFirst().landmarks();
            Landmarks still = sprite.landmarks();
            double c = Math.cos(Math.toRadians(p[1]));
            double s = Math.sin(Math.toRadians(p[1]));
            for (int m : marked) {
                // the transform written out: turn and scale about the sprite's centre, then move it to (x, y)
                double ex = p[0] * (c * (still.x(m) - 59.5) - s * (still.y(m) - 74.5)) + p[2];
                double ey = p[0] * (s * (still.x(m) - 59.5) + c * (still.y(m) - 74.5)) + p[3];
                assertEquals(ex, truth.x(m), 1e-9);
                assertEquals(ey, truth.y(m), 1e-9);
                double sw = 0;
                double sx = 0;
                double sy = 0;
                int r = (int) Math.ceil(6 * p[0]);
                for (int y = (int) ey - r; y <= (int) ey + r; y++) {
                    for (int x = (int) ex - r; x <= (int) ex + r; x++) {
                        double red = px[y * w + x] - px[2 * w * h + y * w + x];  // red minus blue: the blob alone
                        sw += red;
                        sx += red * x;
                        sy += red * y;
                    }
                }
                assertTrue(sw > 1, "marker " + m + " is in the frame");
                assertEquals(ex, sx / sw, 0.5, "marker " + m + " x at scale " + p[0] + ", " + p[1] + " degrees");
                assertEquals(ey, sy / sw, 0.5, "marker " + m + " y at scale " + p[0] + ", " + p[1] + " degrees");
            }
        }
    }

    @Test
    void theStillsLandmarksLieOnTheOpaqueFace() {
        for (String name : List.of(Scenes.ASTRONAUT, Scenes.WOMAN_A, Scenes.WOMAN_B, Scenes.WOMAN_C)) {
            Sprite face = Sprite.face(name);
            Landmarks l = face.landmarks();
            Box box = face.box();
            for (int i = 0; i < l.count(); i++) {
                assertTrue(face.alpha(l.x(i), l.y(i)) > 0.99, name + " point " + i + " lies inside the sprite's opaque ellipse");
                assertTrue(l.x(i) > box.x() - 0.25 * box.width() && l.x(i) < box.x() + 1.25 * box.width()
                        && l.y(i) > box.y() - 0.25 * box.height() && l.y(i) < box.y() + 1.25 * box.height(), name + " point " + i + " near its box");
            }
            assertTrue(l.y(8) > l.y(30) && l.y(30) > l.y(27) && l.x(36) < l.x(45), name + ": chin below nose below brows, eyes left to right");
        }
        assertEquals(0, StillLandmarks.faces("distractor-cup").size(), "face-api finds no face on the cup");
    }

    private static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    @Test
    void aShotCutChangesTheFrame() {
        Scene scene = Scenes.shotCut(SMALL);
        int cut = Scenes.cutFrame(SMALL);
        assertEquals(List.of(0, cut), scene.shotStarts());
        assertEquals(List.of(cut), scene.cuts());
        double across = meanAbsDiff(scene.pixels(cut - 1), scene.pixels(cut));
        double within = Math.max(meanAbsDiff(scene.pixels(cut - 2), scene.pixels(cut - 1)), meanAbsDiff(scene.pixels(cut), scene.pixels(cut + 1)));
        assertTrue(across > 0.1 && across > 3 * within, "the cut changes the picture: " + across + " against " + within + " within a shot");
        assertEquals(Scenes.ASTRONAUT, scene.truth(cut - 1).faces().getFirst().identity());
        assertEquals(Scenes.WOMAN_B, scene.truth(cut).faces().getFirst().identity());
        assertEquals(0, scene.truth(cut - 1).shot());
        assertEquals(1, scene.truth(cut).shot());
        Scene same = Scenes.shotCutSamePerson(SMALL);
        assertEquals(Scenes.ASTRONAUT, same.truth(cut).faces().getFirst().identity());
        assertTrue(meanAbsDiff(same.pixels(cut - 1), same.pixels(cut)) > 3 * within);
    }

    /** The scene with its faces taken out (background and other layers only). */
    private static Scene withoutFaces(Scene scene) {
        return new Scene(scene.name(), scene.width(), scene.height(), scene.shots().stream().map(s -> new Shot(s.first(), s.end(),
                s.background(), s.backgroundMotion(), s.layers().stream().filter(l -> l.kind() != Layer.Kind.FACE).toList())).toList());
    }

    /** Whether the pixels inside the bounds of a face's points are the same as without the face. */
    private static boolean hidden(Scene scene, Scene without, int frame) {
        Landmarks l = scene.truth(frame).faces().getFirst().landmarks();
        float[] a = scene.pixels(frame);
        float[] b = without.pixels(frame);
        int n = scene.width() * scene.height();
        int left = Integer.MAX_VALUE;
        int right = Integer.MIN_VALUE;
        int top = Integer.MAX_VALUE;
        int bottom = Integer.MIN_VALUE;
        for (int i = 0; i < l.count(); i++) {
            left = Math.min(left, (int) Math.floor(l.x(i)));
            right = Math.max(right, (int) Math.ceil(l.x(i)));
            top = Math.min(top, (int) Math.floor(l.y(i)));
            bottom = Math.max(bottom, (int) Math.ceil(l.y(i)));
        }
        for (int y = Math.max(0, top); y <= Math.min(scene.height() - 1, bottom); y++) {
            for (int x = Math.max(0, left); x <= Math.min(scene.width() - 1, right); x++) {
                for (int c = 0; c < 3; c++) {
                    if (Math.abs(a[c * n + y * scene.width() + x] - b[c * n + y * scene.width() + x]) > 1e-6) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    @Test
    void occludedFramesReallyHideTheFace() {
        int hold = 6;
        Scene scene = Scenes.occlusion(SMALL, hold);
        Scene without = withoutFaces(scene);
        int hiddenFrames = 0;
        for (int i = 0; i < scene.frameCount(); i++) {
            FaceTruth face = scene.truth(i).faces().getFirst();
            if (face.visibleFraction() == 0) {
                hiddenFrames++;
                assertTrue(hidden(scene, without, i), "frame " + i + ": no pixel of the face shows");
            } else if (face.visibleFraction() == 1) {
                assertFalse(hidden(scene, without, i), "frame " + i + ": the face shows");
            }
        }
        assertTrue(hiddenFrames >= hold && hiddenFrames <= hold + 2, hiddenFrames + " frames wholly hidden");
        assertEquals(1, scene.truth(0).faces().getFirst().visibleFraction());
        assertEquals(1, scene.truth(SMALL.frames() - 1).faces().getFirst().visibleFraction());
    }

    @Test
    void theFaceLeavesTheFrameAndComesBack() {
        Scene scene = Scenes.noFaceFrames(SMALL);
        Scene without = withoutFaces(scene);
        int[] span = Scenes.noFaceSpan(SMALL);
        for (int i = 0; i < scene.frameCount(); i++) {
            FrameTruth t = scene.truth(i);
            if (i >= span[0] && i < span[1]) {
                assertTrue(t.faces().isEmpty(), "frame " + i);
                assertArrayEquals(without.pixels(i), scene.pixels(i), "frame " + i + " is only background");
            } else {
                assertEquals(1, t.faces().size(), "frame " + i);
            }
        }
        assertTrue(scene.truth(0).faces().getFirst().visible());
        assertTrue(scene.truth(span[0] - 1).faces().getFirst().visibleFraction() < 0.5, "the last frame before is mostly outside");
        assertTrue(scene.truth(scene.frameCount() - 1).faces().getFirst().visible());
    }

    @Test
    void crossingFacesOverlapAndSwapSides() {
        Scene scene = Scenes.twoFacesCrossing(SMALL);
        FrameTruth first = scene.truth(0);
        FrameTruth last = scene.truth(scene.frameCount() - 1);
        FrameTruth middle = scene.truth(scene.frameCount() / 2);
        for (FrameTruth t : List.of(first, last)) {
            assertEquals(2, t.visibleFaces().size());
        }
        double ax0 = first.face(Scenes.WOMAN_A).orElseThrow().box().centerX();
        double bx0 = first.face(Scenes.WOMAN_B).orElseThrow().box().centerX();
        double ax1 = last.face(Scenes.WOMAN_A).orElseThrow().box().centerX();
        double bx1 = last.face(Scenes.WOMAN_B).orElseThrow().box().centerX();
        assertTrue(ax0 < bx0 && ax1 > bx1, "they swap sides");
        assertTrue(middle.face(Scenes.WOMAN_A).orElseThrow().visibleFraction() < 0.9, "the face behind is partly hidden");
        assertEquals(1, middle.face(Scenes.WOMAN_B).orElseThrow().visibleFraction(), "the face in front is whole");
        assertTrue(middle.face(Scenes.WOMAN_A).orElseThrow().box().iou(middle.face(Scenes.WOMAN_B).orElseThrow().box()) > 0.1);
    }

    @Test
    void truthTracksFollowEachPersonWithinAShot() {
        Scene.TruthTracks cut = Scenes.shotCutSamePerson(SMALL).truthTracks(25);
        int at = Scenes.cutFrame(SMALL);
        assertEquals(List.of(Scenes.ASTRONAUT, Scenes.ASTRONAUT), cut.identities(), "the same person, two tracks: one a shot");
        assertEquals(0, cut.faces().tracks().get(0).firstFrame());
        assertEquals(at, cut.faces().tracks().get(0).endFrame());
        assertEquals(at, cut.faces().tracks().get(1).firstFrame());
        assertEquals(SMALL.frames(), cut.faces().tracks().get(1).endFrame());
        assertEquals(List.of(0, at), cut.faces().shots());
        Scene crossing = Scenes.twoFacesCrossing(SMALL);
        Scene.TruthTracks both = crossing.truthTracks(25);
        for (int id = 0; id < both.identities().size(); id++) {
            var track = both.faces().tracks().get(id);
            for (int f = track.firstFrame(); f < track.endFrame(); f++) {
                FaceTruth truth = crossing.truth(f).face(both.identities().get(id)).orElseThrow();
                assertTrue(truth.visible());
                assertEquals(truth.alignmentPoints(), track.at(f).landmarks5());
            }
        }
        int frames = both.faces().tracks().stream().mapToInt(t -> t.endFrame() - t.firstFrame()).sum();
        int visible = 0;
        for (int f = 0; f < crossing.frameCount(); f++) {
            visible += crossing.truth(f).visibleFaces().size();
        }
        assertEquals(visible, frames, "every visible face is in exactly one track");
    }

    @Test
    void framesAndTruthScaleWithTheSize() {
        Scenes.Options big = SMALL.withSize(640, 480);
        for (int frame : new int[] {0, 7, 20}) {
            Landmarks small = Scenes.moving(SMALL).truth(frame).faces().getFirst().landmarks();
            Landmarks large = Scenes.moving(big).truth(frame).faces().getFirst().landmarks();
            for (int i = 0; i < small.count(); i++) {
                assertEquals(2 * small.x(i), large.x(i), 1e-9);
                assertEquals(2 * small.y(i), large.y(i), 1e-9);
            }
        }
        Scene hd = Scenes.moving(SMALL.withSize(1920, 1080));
        FrameSource frames = hd.frames();
        assertEquals(1920, frames.width());
        assertEquals(1080, frames.height());
        assertEquals(24, frames.frameCount());
        try (Tensor t = frames.frame(5)) {
            assertArrayEquals(new long[] {3, 1080, 1920}, t.shape());
            float[] v = t.toFloatArray();
            float[] p = hd.pixels(5);
            for (int i = 0; i < v.length; i += 997) {
                assertEquals(2 * p[i] - 1, v[i], 1e-6);
            }
        }
    }

    @Test
    void theGrayVariantIsTheLumaOfTheColourOne() {
        Scene colour = Scenes.twoFacesCrossing(SMALL);
        Scene gray = colour.gray();
        float[] c = colour.pixels(3);
        float[] g = gray.pixels(3);
        int n = SMALL.width() * SMALL.height();
        for (int i = 0; i < n; i++) {
            assertEquals(g[i], g[n + i]);
            assertEquals(g[i], g[2 * n + i]);
            assertEquals(0.299 * c[i] + 0.587 * c[n + i] + 0.114 * c[2 * n + i], g[i], 1e-5);
        }
        assertEquals(colour.truth(3), gray.truth(3));
        ij.ImagePlus stack = gray.stack();
        assertEquals(SMALL.frames(), stack.getNFrames());
        int rgb = ((int[]) stack.getStack().getProcessor(4).getPixels())[SMALL.width() * 100 + 50];
        assertEquals(Math.round(255 * g[SMALL.width() * 100 + 50]), rgb & 0xff, "frame 3 is the fourth slice");
        assertEquals(rgb & 0xff, (rgb >> 8) & 0xff);
        assertNotEquals(colour.name(), gray.name());
    }

    @Test
    void theVideoHasTheStatedSizeFrameRateAndSound() throws Exception {
        Scene scene = Scenes.shotCut(SMALL);
        Path file = SceneVideo.write(scene, dir.resolve("cut.mp4"), SceneVideo.NTSC);
        VideoProbe.Info info = VideoProbe.probe(file);
        assertEquals(320, info.width());
        assertEquals(240, info.height());
        assertEquals(24, info.frames());
        assertEquals(30000.0 / 1001, info.frameRate(), 1e-6);
        assertTrue(info.audio());
        double seconds = 24 / SceneVideo.NTSC;
        long samples = 0;
        int crossings = 0;
        long first = 0;
        long last = 0;
        int side = 0;  // the last side of zero the signal was clearly on: quantisation noise at a crossing is not one
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            assertEquals(SceneVideo.SAMPLE_RATE, g.getSampleRate());
            for (Frame f = g.grabSamples(); f != null; f = g.grabSamples()) {
                if (f.samples[0] instanceof FloatBuffer b) {
                    for (int i = b.position(); i < b.limit(); i++) {
                        int now = b.get(i) > 0.05 ? 1 : b.get(i) < -0.05 ? -1 : side;
                        if (side != 0 && now != side) {
                            first = crossings++ == 0 ? samples : first;
                            last = samples;
                        }
                        side = now;
                        samples++;
                    }
                } else if (f.samples[0] instanceof ShortBuffer b) {
                    for (int i = b.position(); i < b.limit(); i++) {
                        int now = b.get(i) > 1600 ? 1 : b.get(i) < -1600 ? -1 : side;
                        if (side != 0 && now != side) {
                            first = crossings++ == 0 ? samples : first;
                            last = samples;
                        }
                        side = now;
                        samples++;
                    }
                }
            }
        }
        assertEquals(seconds, (double) samples / SceneVideo.SAMPLE_RATE, 0.05, "the sound lasts as long as the video");
        assertEquals(SceneVideo.TONE_HZ, (crossings - 1) / 2.0 / ((double) (last - first) / SceneVideo.SAMPLE_RATE),
                0.01 * SceneVideo.TONE_HZ, "a 440 Hz tone");
    }
}
