package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.video.StackFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector against face-api itself (testdata/face-api, made by scripts/make-face-fixtures with TF.js's CPU
 * backend on the same decoded pixels): the same faces, boxes within a pixel, scores within 1e-3, and the raw
 * network output on the best anchors; its TF-style resize and padding against plain-Java references.
 */
class FaceDetectorTest {
    private static final Path FIXTURES = Path.of("testdata", "face-api");
    private static FaceDetector detector;
    private static JsonObject fixture;
    /** The network's output on each fixture image, computed once. */
    private static final java.util.Map<String, FaceDetector.Raw> RAW = new java.util.HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        detector = FaceDetector.load(Device.CPU);
        fixture = JsonParser.parseString(Files.readString(FIXTURES.resolve("detector.json"))).getAsJsonObject();
        for (JsonElement e : fixture.getAsJsonArray("images")) {
            JsonObject image = e.getAsJsonObject();
            String name = image.get("image").getAsString();
            try (Scope scope = Scope.open()) {
                Tensor frame = frame(name);
                assertArrayEquals(new long[] {3, image.get("height").getAsInt(), image.get("width").getAsInt()},
                        frame.shape(), name);
                RAW.put(name, detector.raw(List.of(frame)).getFirst());
            }
        }
    }

    /** The faces of a fixture image, as {@link FaceDetector#detect} gives them. */
    private static List<ScoredBox> faces(String name, int width, int height) {
        FaceDetector.Raw raw = RAW.get(name);
        return FaceDetector.faces(raw.boxes(), raw.scores(), width, height, FaceDetector.Options.DEFAULT);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    /** The fixture's image as a frame [3, H, W] in [-1, 1], through the project's own conversion. */
    static Tensor frame(String name) throws IOException {
        ColorProcessor ip = new ColorProcessor(ImageIO.read(FIXTURES.resolve(name).toFile()));
        return StackFrames.toFrame(ip, 0, 255);
    }

    @Test
    void facesMatchFaceApi() throws IOException {
        int faces = 0;
        for (JsonElement e : fixture.getAsJsonArray("images")) {
            JsonObject image = e.getAsJsonObject();
            String name = image.get("image").getAsString();
            JsonArray expected = image.getAsJsonArray("detections");
            List<ScoredBox> found = faces(name, image.get("width").getAsInt(), image.get("height").getAsInt());
            assertEquals(expected.size(), found.size(), name + ": " + found);
            for (int i = 0; i < found.size(); i++) {
                JsonObject want = expected.get(i).getAsJsonObject();
                ScoredBox got = found.get(i);
                assertEquals(want.get("score").getAsDouble(), got.score(), 1e-3, name + " face " + i);
                JsonArray box = want.getAsJsonArray("box");
                double[] coords = {got.box().x(), got.box().y(), got.box().width(), got.box().height()};
                for (int k = 0; k < 4; k++) {
                    // a pixel, or 1 % of the face's size for a large face
                    double tolerance = Math.max(1, 0.01 * box.get(2).getAsDouble());
                    assertEquals(box.get(k).getAsDouble(), coords[k], tolerance, name + " face " + i + " " + k);
                }
            }
            faces += found.size();
        }
        assertTrue(faces >= 3, "the fixture's photos hold faces");
    }

    @Test
    void theNetworkMatchesFaceApiOnTheBestAnchors() throws IOException {
        for (JsonElement e : fixture.getAsJsonArray("images")) {
            JsonObject image = e.getAsJsonObject();
            FaceDetector.Raw raw = RAW.get(image.get("image").getAsString());
            assertEquals(SsdMobilenetV1.ANCHORS, raw.scores().length);
            for (JsonElement a : image.getAsJsonArray("topAnchors")) {
                JsonObject anchor = a.getAsJsonObject();
                int i = anchor.get("anchor").getAsInt();
                String what = image.get("image").getAsString() + " anchor " + i;
                assertEquals(anchor.get("score").getAsDouble(), raw.scores()[i], 1e-3, what);
                JsonArray box = anchor.getAsJsonArray("box");
                for (int k = 0; k < 4; k++) {
                    // relative to the 512-cell square: 1e-3 is half a cell
                    assertEquals(box.get(k).getAsDouble(), raw.boxes()[4 * i + k], 1e-3, what + " " + k);
                }
            }
        }
    }

    @Test
    void framesOfDifferentSizesDetectTogetherAsAlone() throws IOException {
        try (Scope scope = Scope.open()) {
            List<Tensor> frames = List.of(frame("sample1.png"), frame("no-face.png"), frame("sample5.png"));
            List<String> names = List.of("sample1.png", "no-face.png", "sample5.png");
            List<List<ScoredBox>> together = detector.detect(frames, FaceDetector.Options.DEFAULT);
            assertEquals(frames.size(), together.size());
            for (int f = 0; f < frames.size(); f++) {
                List<ScoredBox> alone = faces(names.get(f), (int) frames.get(f).size(2), (int) frames.get(f).size(1));
                assertEquals(alone.size(), together.get(f).size());
                for (int i = 0; i < alone.size(); i++) {
                    assertEquals(alone.get(i).score(), together.get(f).get(i).score(), 1e-4);
                    assertEquals(alone.get(i).box().x(), together.get(f).get(i).box().x(), 1e-2);
                    assertEquals(alone.get(i).box().height(), together.get(f).get(i).box().height(), 1e-2);
                }
            }
        }
    }

    @Test
    void aPictureWithoutFacesHasNone() throws IOException {
        try (Scope scope = Scope.open()) {
            assertEquals(List.of(), detector.detect(frame("no-face.png")));
        }
    }

    /** tf.image.resizeBilinear (no corner alignment, no half-pixel centres) of the zero-padded square, in plain Java. */
    private static float[][] tfResize(float[][] img, int side, int n) {
        int h = img.length;
        int w = img[0].length;
        float[][] out = new float[n][n];
        double ratio = (double) side / n;
        for (int r = 0; r < n; r++) {
            double sr = ratio * r;
            int r0 = (int) Math.floor(sr);
            int r1 = Math.min(side - 1, (int) Math.ceil(sr));
            double fr = sr - r0;
            for (int c = 0; c < n; c++) {
                double sc = ratio * c;
                int c0 = (int) Math.floor(sc);
                int c1 = Math.min(side - 1, (int) Math.ceil(sc));
                double fc = sc - c0;
                double tl = at(img, r0, c0, h, w);
                double tr = at(img, r0, c1, h, w);
                double bl = at(img, r1, c0, h, w);
                double br = at(img, r1, c1, h, w);
                double top = tl + (tr - tl) * fc;
                double bottom = bl + (br - bl) * fc;
                out[r][c] = (float) (top + (bottom - top) * fr);
            }
        }
        return out;
    }

    private static double at(float[][] img, int r, int c, int h, int w) {
        return r < h && c < w ? img[r][c] : -1; // the padding is black: -1 in a frame
    }

    @Test
    void framesArePaddedAndResizedAsTfjsDoes() {
        Random random = new Random(7);
        for (int[] size : new int[][] {{300, 700}, {613, 200}, {512, 512}, {100, 90}}) {
            int h = size[0];
            int w = size[1];
            float[] data = new float[3 * h * w];
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextFloat() * 2 - 1;
            }
            float[][] channel1 = new float[h][w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    channel1[y][x] = data[h * w + y * w + x];
                }
            }
            float[][] want = tfResize(channel1, Math.max(h, w), 512);
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.of(data, 1, 3, h, w);
                int side = Math.max(h, w);
                Tensor y = FaceDetector.resizeRows(FaceDetector.resizeRows(x, 2, h, side, Device.CPU), 3, w, side, Device.CPU);
                assertArrayEquals(new long[] {1, 3, 512, 512}, y.shape());
                float[] got = y.narrow(1, 1, 1).contiguous().toFloatArray();
                for (int r = 0; r < 512; r++) {
                    for (int c = 0; c < 512; c++) {
                        assertEquals(want[r][c], got[r * 512 + c], 1e-5, h + "x" + w + " at " + r + "," + c);
                    }
                }
            }
        }
    }

    @Test
    void sameConvolutionPadsRightAndBottomForStrideTwo() {
        try (Scope scope = Scope.open()) {
            // a 4x4 ramp, a 3x3 kernel picking the top-left tap: with TF's padding (0 before, 1 after) the
            // stride-2 output reads input cells (0,0), (0,2), (2,0), (2,2)
            float[] ramp = new float[16];
            for (int i = 0; i < 16; i++) {
                ramp[i] = i + 1;
            }
            float[] k = new float[9];
            k[0] = 1;
            Tensor y = SsdMobilenetV1.convSame(Tensor.of(ramp, 1, 1, 4, 4), Tensor.of(k, 1, 1, 3, 3), null, 2, 1);
            assertArrayEquals(new float[] {1, 3, 9, 11}, y.toFloatArray());
            // stride 1 keeps the size with one cell of padding each side: the top-left tap reads (r-1, c-1)
            Tensor z = SsdMobilenetV1.convSame(Tensor.of(ramp, 1, 1, 4, 4), Tensor.of(k, 1, 1, 3, 3), null, 1, 1);
            assertArrayEquals(new long[] {1, 1, 4, 4}, z.shape());
            assertEquals(0, z.toFloatArray()[0]);
            assertEquals(1, z.toFloatArray()[5]);
        }
    }

    @Test
    void overlappingCandidatesCountAsOneFace() {
        // three anchors: two overlapping boxes (IoU 0.81) and a separate one; the weaker of the pair goes
        float[] boxes = {0.1f, 0.1f, 0.5f, 0.5f, 0.12f, 0.12f, 0.52f, 0.52f, 0.6f, 0.6f, 0.8f, 0.8f};
        float[] scores = {0.9f, 0.95f, 0.7f};
        List<ScoredBox> faces = FaceDetector.faces(boxes, scores, 512, 512, FaceDetector.Options.DEFAULT);
        assertEquals(2, faces.size());
        assertEquals(0.95f, faces.get(0).score(), 0);
        assertEquals(0.12 * 512, faces.get(0).box().x(), 1e-4);
        assertEquals(0.7f, faces.get(1).score(), 0);
        // a higher minimum score keeps only the best; a higher overlap threshold keeps all three
        assertEquals(1, FaceDetector.faces(boxes, scores, 512, 512, FaceDetector.Options.DEFAULT.minConfidence(0.8)).size());
        assertEquals(3, FaceDetector.faces(boxes, scores, 512, 512, FaceDetector.Options.DEFAULT.iouThreshold(0.9)).size());
        assertEquals(1, FaceDetector.faces(boxes, scores, 512, 512, FaceDetector.Options.DEFAULT.maxResults(1)).size());
    }

    @Test
    void badOptionsAndFramesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FaceDetector.Options.DEFAULT.minConfidence(1));
        assertThrows(IllegalArgumentException.class, () -> FaceDetector.Options.DEFAULT.maxResults(0));
        assertThrows(IllegalArgumentException.class, () -> FaceDetector.Options.DEFAULT.iouThreshold(0));
        try (Scope scope = Scope.open()) {
            assertThrows(IllegalArgumentException.class, () -> detector.detect(Tensor.zeros(1, 8, 8)));
        }
    }
}
