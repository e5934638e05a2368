package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.dicface.io.CheckpointException;
import org.dicface.metrics.FaceMetrics;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The face recognition network against face-api itself (testdata/face-api/descriptors.json, made by
 * scripts/make-face-fixtures with TF.js's CPU backend) on the four crops of the landmark tests (smaller and
 * larger than its 150, taller and wider than square, 112 square), and what the descriptors are for: the same face
 * at two sizes is nearer than two people.
 */
class FaceRecognitionNetTest {
    private static FaceRecognitionNet net;
    private static JsonObject fixture;

    @BeforeAll
    static void load() throws IOException {
        net = FaceRecognitionNet.load(Device.CPU);
        fixture = JsonParser.parseString(Files.readString(LandmarkNetTest.FIXTURES.resolve("descriptors.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        net.close();
    }

    @Test
    void descriptorsMatchFaceApi() throws IOException {
        JsonArray crops = fixture.getAsJsonArray("crops");
        assertEquals(4, crops.size());
        Map<String, float[]> ours = new LinkedHashMap<>();
        for (JsonElement e : crops) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("image").getAsString();
            try (Scope scope = Scope.open()) {
                Tensor frame = LandmarkNetTest.frame(name);
                int w = (int) frame.size(2);
                int h = (int) frame.size(1);
                float[] got = net.describe(frame, List.of(new Box(0, 0, w, h))).getFirst();
                JsonArray want = c.getAsJsonArray("descriptor");
                assertEquals(FaceRecognitionNet.DESCRIPTOR, want.size());
                double worst = 0;
                double norm = 0;
                for (int i = 0; i < want.size(); i++) {
                    worst = Math.max(worst, Math.abs(got[i] - want.get(i).getAsDouble()));
                    norm += want.get(i).getAsDouble() * want.get(i).getAsDouble();
                }
                // values of about 0.1; face-api and this differ by 4.2e-7 at most (fp32, other summation orders)
                assertTrue(worst < 1e-5, name + ": largest difference " + worst);
                assertTrue(norm > 0.1, name + ": a real descriptor, norm^2 " + norm);
                ours.put(name, got);
            }
        }
        double same = FaceMetrics.cosine(ours.get("landmarks-crop-tall.png"), ours.get("landmarks-crop-large.png"));
        double other = FaceMetrics.cosine(ours.get("landmarks-crop-tall.png"), ours.get("landmarks-crop-wide.png"));
        assertTrue(same > 0.9 && same > other + 0.05, "sample1's face at 59 and 236 pixels: " + same + "; another person: " + other);
    }

    @Test
    void otherWeightsAreRefusedByName() throws IOException {
        try (TfjsWeights other = TfjsWeights.readResource(FaceRecognitionNet.class, LandmarkNet.WEIGHTS)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> FaceRecognitionNet.load(other));
            assertTrue(e.getMessage().contains("face recognition network"), e.getMessage());
        }
    }
}
