package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Detector and landmarks together against face-api's
 * {@code detectAllFaces(img, new SsdMobilenetv1Options()).withFaceLandmarks()} on three real photos (3, 3 and
 * 5 faces) and a face-free one (testdata/face-api/landmarks.json, made by scripts/make-face-fixtures): the
 * same faces in the same order, boxes, scores and all 68 points; and the options.
 */
class FaceFinderTest {
    private static FaceFinder finder;
    private static LandmarkNet net;
    private static JsonArray images;

    @BeforeAll
    static void load() throws IOException {
        finder = FaceFinder.load(Device.CPU);
        net = LandmarkNet.load(Device.CPU);
        JsonObject fixture = JsonParser.parseString(Files.readString(LandmarkNetTest.FIXTURES.resolve("landmarks.json")))
                .getAsJsonObject();
        images = fixture.getAsJsonArray("images");
    }

    @AfterAll
    static void close() {
        finder.close();
        net.close();
    }

    private static JsonObject image(String name) {
        for (JsonElement e : images) {
            if (e.getAsJsonObject().get("image").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError(name + " is not in the fixture");
    }

    /** face-api's box, in its own coordinates (pixel i covers [i, i + 1)). */
    private static Box box(JsonObject face) {
        JsonArray b = face.getAsJsonArray("box");
        return new Box(b.get(0).getAsDouble(), b.get(1).getAsDouble(), b.get(2).getAsDouble(), b.get(3).getAsDouble());
    }

    /** face-api's box where the project puts it: pixel centres at integer coordinates. */
    private static Box projectBox(JsonObject face) {
        return box(face).moved(-0.5, -0.5);
    }

    /**
     * face-api's 68 points moved to where the project puts them: face-api adds the detector box's corner
     * where the crop starts at its floored, clipped corner, and takes off half the padding to the square
     * where the padding before the face is the smaller half (LandmarkNet's comment).
     */
    private static Landmarks expectedPoints(JsonObject face) {
        Box box = box(face);
        JsonArray c = face.getAsJsonArray("crop");
        int cx = c.get(0).getAsInt();
        int cy = c.get(1).getAsInt();
        int w = c.get(2).getAsInt();
        int h = c.get(3).getAsInt();
        int diff = Math.abs(w - h);
        int before = diff - (int) Math.round(diff * 0.5);
        double dx = cx - box.x() + (w < h ? diff / 2.0 - before : 0);
        double dy = cy - box.y() + (h < w ? diff / 2.0 - before : 0);
        JsonArray points = face.getAsJsonArray("landmarks");
        double[] xy = new double[2 * points.size()];
        for (int i = 0; i < points.size(); i++) {
            xy[2 * i] = points.get(i).getAsJsonArray().get(0).getAsDouble() + dx;
            xy[2 * i + 1] = points.get(i).getAsJsonArray().get(1).getAsDouble() + dy;
        }
        return new Landmarks(xy);
    }

    private static double worstPoint(Landmarks a, Landmarks b) {
        double worst = 0;
        for (int i = 0; i < a.count(); i++) {
            worst = Math.max(worst, Math.hypot(a.x(i) - b.x(i), a.y(i) - b.y(i)));
        }
        return worst;
    }

    /** On face-api's own boxes: the same crops, and the same 68 points to a hundredth of a pixel. */
    @Test
    void landmarksOnFaceApisBoxesMatch() throws IOException {
        int faces = 0;
        for (JsonElement e : images) {
            JsonObject image = e.getAsJsonObject();
            try (Scope scope = Scope.open()) {
                Tensor frame = LandmarkNetTest.frame(image.get("image").getAsString());
                for (JsonElement f : image.getAsJsonArray("faces")) {
                    JsonObject face = f.getAsJsonObject();
                    FaceCrop crop = FaceCrop.of(box(face), (int) frame.size(2), (int) frame.size(1));
                    JsonArray c = face.getAsJsonArray("crop");
                    assertEquals(List.of(c.get(0).getAsInt(), c.get(1).getAsInt(), c.get(2).getAsInt(), c.get(3).getAsInt()),
                            List.of(crop.x(), crop.y(), crop.width(), crop.height()));
                    Landmarks got = net.detect(frame, box(face));
                    double worst = worstPoint(got, expectedPoints(face));
                    assertTrue(worst < 0.01, image.get("image") + ": " + worst + " px");
                    faces++;
                }
            }
        }
        assertEquals(11, faces);
    }

    /** The whole pipeline: the same faces in face-api's order (3, 3, 5 and none), boxes, scores and points. */
    @Test
    void findMatchesFaceApi() throws IOException {
        double worstBox = 0;
        double worstPoint = 0;
        List<Integer> counts = new ArrayList<>();
        for (JsonElement e : images) {
            JsonObject image = e.getAsJsonObject();
            String name = image.get("image").getAsString();
            JsonArray want = image.getAsJsonArray("faces");
            try (Scope scope = Scope.open()) {
                List<Detection> found = finder.find(LandmarkNetTest.frame(name));
                assertEquals(want.size(), found.size(), name + ": " + found);
                counts.add(found.size());
                for (int i = 0; i < found.size(); i++) {
                    JsonObject face = want.get(i).getAsJsonObject();
                    Detection got = found.get(i);
                    assertEquals(face.get("score").getAsDouble(), got.score(), 1e-3, name + " face " + i);
                    Box b = projectBox(face);
                    worstBox = Math.max(worstBox, Math.max(Math.max(Math.abs(b.x() - got.box().x()),
                            Math.abs(b.y() - got.box().y())), Math.max(Math.abs(b.width() - got.box().width()),
                            Math.abs(b.height() - got.box().height()))));
                    assertEquals(68, got.landmarks().count());
                    worstPoint = Math.max(worstPoint, worstPoint(got.landmarks(), expectedPoints(face)));
                }
            }
        }
        assertEquals(List.of(3, 3, 5, 0), counts);
        // measured: 6e-5 px and 1.3e-4 px; no box coordinate of the fixture lies within 0.025 px of an integer,
        // so the floored crops cannot differ
        assertTrue(worstBox < 0.01, "box coordinates differ by up to " + worstBox + " px");
        assertTrue(worstPoint < 0.01, "landmarks differ by up to " + worstPoint + " px");
    }

    @Test
    void minFaceSizeDropsSmallerFaces() throws IOException {
        JsonArray want = image("sample5.png").getAsJsonArray("faces");
        List<Double> sides = new ArrayList<>();
        for (JsonElement f : want) {
            Box b = box(f.getAsJsonObject());
            sides.add(Math.min(b.width(), b.height()));
        }
        List<Double> sorted = sides.stream().sorted().toList();
        double threshold = (sorted.get(1) + sorted.get(2)) / 2;  // between the second and third smallest face
        try (Scope scope = Scope.open()) {
            List<Detection> found = finder.find(LandmarkNetTest.frame("sample5.png"), finder.options().minFaceSize(threshold));
            List<Box> expected = new ArrayList<>();
            for (int i = 0; i < want.size(); i++) {
                if (sides.get(i) >= threshold) {
                    expected.add(projectBox(want.get(i).getAsJsonObject()));
                }
            }
            assertEquals(3, found.size());
            for (int i = 0; i < found.size(); i++) {
                assertEquals(expected.get(i).x(), found.get(i).box().x(), 0.05);
                assertTrue(Math.min(found.get(i).box().width(), found.get(i).box().height()) >= threshold);
            }
        }
    }

    @Test
    void maxFacesKeepsTheBestScores() throws IOException {
        JsonArray want = image("sample5.png").getAsJsonArray("faces");
        try (Scope scope = Scope.open()) {
            List<Detection> found = finder.find(LandmarkNetTest.frame("sample5.png"), finder.options().maxFaces(2));
            assertEquals(2, found.size());
            for (int i = 0; i < 2; i++) {
                assertEquals(want.get(i).getAsJsonObject().get("score").getAsDouble(), found.get(i).score(), 1e-3);
            }
        }
    }

    @Test
    void badOptionsGetOneClearMessage() {
        FaceFinder.Options o = FaceFinder.Options.DEFAULT;
        assertEquals(0.5, o.minConfidence());
        assertEquals(0, o.minFaceSize());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.minFaceSize(-1)).getMessage()
                .contains("minimum face size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.minFaceSize(Double.NaN)).getMessage()
                .contains("minimum face size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.maxFaces(0)).getMessage()
                .contains("maximum number of faces"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.minConfidence(1)).getMessage()
                .contains("minimum face score"));
        try (Scope scope = Scope.open()) {
            assertThrows(IllegalArgumentException.class, () -> finder.find(Tensor.zeros(1, 3, 8, 8)));
        }
    }
}
