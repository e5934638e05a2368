package org.dicface.face.scenes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.dicface.face.Box;
import org.dicface.face.Landmarks;

/** face-api's detection on each still of testdata/scenes, as scripts/make-scene-data wrote it to landmarks.json. */
final class StillLandmarks {
    record Face(double score, Box box, Landmarks landmarks) {
    }

    private static JsonObject stills;

    private StillLandmarks() {
    }

    /** The one face face-api found on the still {@code name}; fails when it found none or several. */
    static Face face(String name) {
        JsonArray faces = faces(name);
        if (faces.size() != 1) {
            throw new IllegalStateException("face-api found " + faces.size() + " faces on " + name + ", not one");
        }
        JsonObject f = faces.get(0).getAsJsonObject();
        JsonArray b = f.getAsJsonArray("box");
        JsonArray points = f.getAsJsonArray("landmarks68");
        double[] xy = new double[2 * points.size()];
        for (int i = 0; i < points.size(); i++) {
            xy[2 * i] = points.get(i).getAsJsonArray().get(0).getAsDouble();
            xy[2 * i + 1] = points.get(i).getAsJsonArray().get(1).getAsDouble();
        }
        return new Face(f.get("score").getAsDouble(), new Box(b.get(0).getAsDouble(), b.get(1).getAsDouble(),
                b.get(2).getAsDouble(), b.get(3).getAsDouble()), new Landmarks(xy));
    }

    /** Every detection face-api made on the still {@code name} (a distractor should have none). */
    static JsonArray faces(String name) {
        JsonObject still = all().getAsJsonObject(name);
        if (still == null) {
            throw new IllegalStateException(Sprite.DIR.resolve("landmarks.json") + " has no still " + name);
        }
        return still.getAsJsonArray("faces");
    }

    private static synchronized JsonObject all() {
        if (stills == null) {
            Path file = Sprite.DIR.resolve("landmarks.json");
            try {
                stills = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonObject("stills");
            } catch (IOException e) {
                throw new UncheckedIOException("scene landmarks " + file.toAbsolutePath() + " are missing (they belong to the repository)", e);
            }
        }
        return stills;
    }
}
