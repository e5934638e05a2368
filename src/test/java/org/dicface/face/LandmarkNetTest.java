package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.process.ColorProcessor;
import org.dicface.io.CheckpointException;
import org.dicface.nn.SamePadding;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.video.StackFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The landmark network against face-api itself (testdata/face-api/landmarks.json, made by
 * scripts/make-face-fixtures with TF.js's CPU backend): on four face crops (smaller and larger than the
 * network's 112, taller and wider than square, exactly 112) its 136 raw outputs and the 68 points; its
 * preprocessing (crop, padding, TF's legacy resize) against plain-Java references.
 */
class LandmarkNetTest {
    static final Path FIXTURES = Path.of("testdata", "face-api");
    private static LandmarkNet net;
    private static JsonObject fixture;

    @BeforeAll
    static void load() throws IOException {
        net = LandmarkNet.load(Device.CPU);
        fixture = JsonParser.parseString(Files.readString(FIXTURES.resolve("landmarks.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        net.close();
    }

    /** A fixture image as a frame [3, H, W] in [-1, 1], through the project's own conversion. */
    static Tensor frame(String name) throws IOException {
        ColorProcessor ip = new ColorProcessor(ImageIO.read(FIXTURES.resolve(name).toFile()));
        return StackFrames.toFrame(ip, 0, 255);
    }

    @Test
    void rawOutputsMatchFaceApi() throws IOException {
        JsonArray crops = fixture.getAsJsonArray("crops");
        assertEquals(4, crops.size());
        for (JsonElement e : crops) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("image").getAsString();
            try (Scope scope = Scope.open()) {
                Tensor frame = frame(name);
                int w = (int) frame.size(2);
                int h = (int) frame.size(1);
                assertEquals(c.get("width").getAsInt(), w);
                assertEquals(c.get("height").getAsInt(), h);
                FaceCrop crop = FaceCrop.of(new Box(0, 0, w, h), w, h);
                float[] got = net.forward(LandmarkNet.input(frame, crop, LandmarkNet.INPUT_SIZE, Device.CPU).unsqueeze(0)).toFloatArray();
                JsonArray want = c.getAsJsonArray("output");
                assertEquals(136, want.size());
                double worst = 0;
                for (int i = 0; i < 136; i++) {
                    worst = Math.max(worst, Math.abs(got[i] - want.get(i).getAsDouble()));
                }
                // fractions of the side: 2e-5 is under 0.005 px on these crops; fp32 with other summation orders
                assertTrue(worst < 2e-5, name + ": largest difference " + worst);
            }
        }
    }

    /**
     * The 68 points of each crop: face-api's positions except that we take off the padding actually put
     * before the face, where face-api takes off half the padding (they differ by half a pixel when the
     * padding is odd, as for the crop 59 wide and 79 tall).
     */
    @Test
    void pointsMatchFaceApiWithTheActualPadding() throws IOException {
        for (JsonElement e : fixture.getAsJsonArray("crops")) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("image").getAsString();
            try (Scope scope = Scope.open()) {
                Tensor frame = frame(name);
                int w = (int) frame.size(2);
                int h = (int) frame.size(1);
                Landmarks got = net.detect(frame, new Box(0, 0, w, h));
                int diff = Math.abs(w - h);
                double before = diff - Math.round(diff * 0.5);
                double shiftX = w < h ? diff / 2.0 - before : 0;
                double shiftY = h < w ? diff / 2.0 - before : 0;
                JsonArray want = c.getAsJsonArray("positions");
                assertEquals(68, got.count());
                for (int i = 0; i < 68; i++) {
                    JsonArray p = want.get(i).getAsJsonArray();
                    assertEquals(p.get(0).getAsDouble() + shiftX, got.x(i), 0.01, name + " point " + i + " x");
                    assertEquals(p.get(1).getAsDouble() + shiftY, got.y(i), 0.01, name + " point " + i + " y");
                }
            }
        }
    }

    @Test
    void theNetworkFindsTheFaceItIsShown() throws IOException {
        // a plausibility check independent of face-api: on the 112 crop the eyes lie above the nose tip,
        // above the mouth, the image-left eye left of the image-right one, everything inside the crop
        try (Scope scope = Scope.open()) {
            Landmarks l = net.detect(frame("landmarks-crop-112.png"), new Box(0, 0, 112, 112)).alignmentPoints();
            assertTrue(l.x(0) < l.x(1) && l.y(0) < l.y(2) && l.y(1) < l.y(2) && l.y(2) < l.y(3) && l.y(2) < l.y(4));
            for (double v : l.xy()) {
                assertTrue(v > 0 && v < 112, l.toString());
            }
        }
    }

    @Test
    void sameMatchesTensorFlowsRule() {
        assertArrayEquals(new long[] {0, 1}, SamePadding.of(112, 3, 2));
        assertArrayEquals(new long[] {1, 1}, SamePadding.of(111, 3, 2));
        assertArrayEquals(new long[] {1, 1}, SamePadding.of(7, 3, 1));
        assertArrayEquals(new long[] {0, 0}, SamePadding.of(7, 1, 1));
    }

    @Test
    void resizeIsTensorFlowsLegacyBilinear() {
        Random random = new Random(3);
        for (int[] sizes : new int[][] {{5, 3}, {3, 7}, {59, 112}, {238, 112}}) {
            int in = sizes[0];
            int out = sizes[1];
            float[] m = LandmarkNet.legacyResize(in, out).toFloatArray();
            double[] v = random.doubles(in).toArray();
            for (int i = 0; i < out; i++) {
                // tf.image.resizeBilinear(alignCorners = false, halfPixelCenters = false), written out
                double src = (double) i * in / out;
                int lo = (int) src;
                int hi = Math.min(lo + 1, in - 1);
                double want = v[lo] + (v[hi] - v[lo]) * (src - lo);
                double got = 0;
                for (int k = 0; k < in; k++) {
                    got += m[i * in + k] * v[k];
                }
                assertEquals(want, got, 1e-6, in + " -> " + out + " at " + i);
            }
        }
    }

    @Test
    void cropIsFaceApisClippedFlooredBox() {
        // inside: corner and size floored separately, as face-api's Box.floor; 11 columns of padding, 5 before
        assertEquals(new FaceCrop(10, 20, 30, 41, 41, 5, 0), FaceCrop.of(new Box(10.7, 20.2, 30.9, 41.5), 100, 100));
        // wider than tall: 11 rows of padding, 5 before the face and 6 after
        assertEquals(new FaceCrop(0, 0, 40, 29, 40, 0, 5), FaceCrop.of(new Box(0, 0, 40, 29), 100, 100));
        // across the top-left and bottom-right borders: clipped
        assertEquals(new FaceCrop(0, 0, 20, 15, 20, 0, 2), FaceCrop.of(new Box(-5.5, -3, 25.5, 18.9), 100, 100));
        assertEquals(new FaceCrop(90, 95, 10, 4, 10, 0, 3), FaceCrop.of(new Box(90, 95.5, 30, 30), 100, 100));
        // nothing left inside
        assertNull(FaceCrop.of(new Box(100, 10, 20, 20), 100, 100));
        assertNull(FaceCrop.of(new Box(-30, 10, 20, 20), 100, 100));
        assertNull(FaceCrop.of(new Box(10, 10, 0.5, 20), 100, 100));
    }

    @Test
    void pointsAreMovedByTheCropsCorner() throws IOException {
        // the same face pasted at (37, 21) into a larger black frame: the points move by exactly that much
        try (Scope scope = Scope.open()) {
            Tensor face = frame("landmarks-crop-tall.png");
            int w = (int) face.size(2);
            int h = (int) face.size(1);
            Tensor big = face.pad(new long[] {37, 50, 21, 30}, Tensor.PadMode.CONSTANT, -1);
            Landmarks alone = net.detect(face, new Box(0, 0, w, h));
            List<Landmarks> inFrame = net.detect(big, List.of(new Box(37.4, 21.9, w + 0.3, h + 0.05), new Box(37, 21, w, h)));
            for (Landmarks l : inFrame) {
                for (int i = 0; i < 68; i++) {
                    assertEquals(alone.x(i) + 37, l.x(i), 1e-3);
                    assertEquals(alone.y(i) + 21, l.y(i), 1e-3);
                }
            }
        }
    }

    @Test
    void badInputGetsOneClearMessage() throws IOException {
        try (Scope scope = Scope.open()) {
            Tensor frame = frame("landmarks-crop-tall.png");
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> net.detect(frame, new Box(500, 0, 10, 10)));
            assertTrue(outside.getMessage().contains("covers no pixel"), outside.getMessage());
            assertThrows(IllegalArgumentException.class, () -> net.detect(frame.unsqueeze(0), new Box(0, 0, 10, 10)));
            assertTrue(net.detect(frame, List.of()).isEmpty());
        }
        try (TfjsWeights detector = TfjsWeights.readResource(LandmarkNet.class,
                "face-api/ssd_mobilenetv1_model-weights_manifest.json")) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> LandmarkNet.load(detector));
            assertTrue(e.getMessage().contains("68-point landmark network"), e.getMessage());
        }
    }
}
