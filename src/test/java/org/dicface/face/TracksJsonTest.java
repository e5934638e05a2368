package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dicface.face.SyntheticFaces.Pose;

class TracksJsonTest {
    @TempDir
    Path dir;

    /** Two shots, two tracks, one with interpolated frames, tracked from synthetic detections. */
    private static FaceTracks sample() {
        FaceTracker tracker = new FaceTracker();
        Random r = new Random(1);
        for (int f = 0; f < 16; f++) {
            List<Detection> d = new ArrayList<>();
            if (f < 4 || f > 6) {
                d.add(SyntheticFaces.detect(new Pose(100 + 3.3 * f, 120, 80, 0.1, 0.03), 0.01, r));
            }
            if (f >= 10) {
                d.add(SyntheticFaces.detect(new Pose(400, 220 - f, 90, -0.2, 0.04), 0.01, r));
            }
            tracker.add(d, f == 10);
        }
        return tracker.finish(640, 360, 29.97);
    }

    @Test
    void roundTrip() throws IOException {
        FaceTracks tracks = sample();
        assertEquals(List.of(0, 10), tracks.shots());
        assertEquals(3, tracks.tracks().size());
        Path file = dir.resolve("tracks.json");
        TracksJson.write(tracks, file);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary left");
        }
        FaceTracks back = TracksJson.read(file);
        assertEquals(640, back.width());
        assertEquals(360, back.height());
        assertEquals(16, back.frames());
        assertEquals(29.97, back.fps());
        assertEquals(tracks.shots(), back.shots());
        assertEquals(tracks.tracks().size(), back.tracks().size());
        int interpolated = 0;
        for (int i = 0; i < tracks.tracks().size(); i++) {
            Track a = tracks.tracks().get(i);
            Track b = back.tracks().get(i);
            assertEquals(a.id(), b.id());
            assertEquals(a.frames().size(), b.frames().size());
            for (int k = 0; k < a.frames().size(); k++) {
                TrackedFace fa = a.frames().get(k);
                TrackedFace fb = b.frames().get(k);
                assertEquals(fa.frame(), fb.frame());
                assertEquals(fa.interpolated(), fb.interpolated());
                interpolated += fb.interpolated() ? 1 : 0;
                assertEquals(fa.score(), fb.score(), 0.0005);
                assertEquals(fa.box().x(), fb.box().x(), 0.0005);
                assertEquals(fa.box().height(), fb.box().height(), 0.0005);
                assertTrue(fa.landmarks5().rmsDistance(fb.landmarks5()) < 0.001);
                assertTrue(fa.landmarks68().rmsDistance(fb.landmarks68()) < 0.001);
            }
        }
        assertEquals(3, interpolated, "track 1 missed frames 4 to 6");
    }

    /** The keys are the command line's contract. */
    @Test
    void schema() throws IOException {
        StringWriter w = new StringWriter();
        TracksJson.write(sample(), w);
        JsonObject root = JsonParser.parseString(w.toString()).getAsJsonObject();
        assertEquals(List.of("width", "height", "frames", "fps", "shots", "tracks"), List.copyOf(root.keySet()));
        JsonObject track = root.getAsJsonArray("tracks").get(0).getAsJsonObject();
        assertEquals(List.of("id", "frames"), List.copyOf(track.keySet()));
        JsonObject frame = track.getAsJsonArray("frames").get(0).getAsJsonObject();
        assertEquals(List.of("frame", "box", "score", "landmarks5", "landmarks68", "interpolated"),
                List.copyOf(frame.keySet()));
        assertEquals(4, frame.getAsJsonArray("box").size());
        assertEquals(5, frame.getAsJsonArray("landmarks5").size());
        assertEquals(2, frame.getAsJsonArray("landmarks5").get(0).getAsJsonArray().size());
        assertEquals(68, frame.getAsJsonArray("landmarks68").size());
    }

    /** A valid file as text, for the hostile variants. */
    private static String valid() throws IOException {
        StringWriter w = new StringWriter();
        TracksJson.write(sample(), w);
        return w.toString();
    }

    private static JsonObject tree() throws IOException {
        return JsonParser.parseString(valid()).getAsJsonObject();
    }

    private static JsonObject entry(JsonObject root, int track, int frame) {
        return root.getAsJsonArray("tracks").get(track).getAsJsonObject().getAsJsonArray("frames").get(frame)
                .getAsJsonObject();
    }

    private void rejects(String json, String message) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        IOException e = assertThrows(IOException.class, () -> TracksJson.read(file));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + " is not a valid tracks file: "), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    @Test
    void hostileFiles() throws IOException {
        rejects("", "malformed JSON");
        rejects(valid() + "x", "malformed JSON");
        rejects(valid().replace("\"fps\":29.97", "\"fps\":NaN"), "malformed JSON");
        rejects(valid().replace("\"width\":640", "\"width\":640,\"width\":641"), "appears twice");
        rejects(valid().replace("\"width\":640", "\"width\":-640"), "width is -640, outside [1, 65536]");
        rejects(valid().replace("\"width\":640", "\"width\":640.5"), "width must be an integer");
        rejects(valid().replace("\"height\":360", "\"height\":99999999999999999999999"), "height is");
        rejects(valid().replace("\"frames\":16", "\"frames\":1000000000"), "frames is 1000000000");
        rejects(valid().replace("\"fps\":29.97", "\"fps\":1e300"), "fps is");
        rejects(valid().replace("\"shots\":[0,10]", "\"shots\":[1,10]"), "the first shot starts at frame 1");
        rejects(valid().replace("\"shots\":[0,10]", "\"shots\":[0,10,10]"), "does not come after 10");
        rejects(valid().replace("\"shots\":[0,10]", "\"shots\":[0,16]"), "shots[1] is 16, outside [0, 15]");
        rejects(valid().replace("\"shots\":[0,10]", "\"shots\":[0,5,10]"), "runs across the shot cut before frame 5");
        rejects(valid().replace("\"frames\":16", "\"frames\":12"), "outside [0, 11]");

        JsonObject root = tree();
        entry(root, 0, 2).addProperty("frame", 3);
        rejects(root.toString(), "frame 3 does not follow frame 1");
        root = tree();
        entry(root, 0, 0).addProperty("frame", 4.9);
        rejects(root.toString(), "frame must be an integer, not 4.9");
        root = tree();
        entry(root, 0, 0).getAsJsonArray("box").remove(3);
        rejects(root.toString(), "box has 3 numbers, not 4 (x, y, width, height)");
        root = tree();
        entry(root, 0, 0).getAsJsonArray("box").set(2, new JsonPrimitive(-5));
        rejects(root.toString(), "box width is -5");
        root = tree();
        entry(root, 0, 1).getAsJsonArray("landmarks5").get(2).getAsJsonArray().set(0, new JsonPrimitive(1e300));
        rejects(root.toString(), "track 1, frames[1].landmarks5[2] x is 1.0E300");
        root = tree();
        entry(root, 0, 1).getAsJsonArray("landmarks5").remove(4);
        rejects(root.toString(), "landmarks5 has 4 points, not 5");
        root = tree();
        entry(root, 0, 1).getAsJsonArray("landmarks68").get(67).getAsJsonArray().add(1);
        rejects(root.toString(), "landmarks68[67] has more than 2 numbers (x, y)");
        root = tree();
        entry(root, 0, 1).remove("landmarks68");
        rejects(root.toString(), "tracks[0].frames[1].landmarks68 is missing (the 68 points");
        root = tree();
        entry(root, 0, 1).addProperty("score", 2);
        rejects(root.toString(), "score is 2, outside [0.0, 1.0]");
        root = tree();
        entry(root, 0, 1).addProperty("interpolated", "yes");
        rejects(root.toString(), "interpolated must be true or false");
        root = tree();
        root.getAsJsonArray("tracks").get(1).getAsJsonObject().addProperty("id", 1);
        rejects(root.toString(), "id 1 is used by another track");
        root = tree();
        root.getAsJsonArray("tracks").get(0).getAsJsonObject().add("frames", new JsonArray());
        rejects(root.toString(), "track 1 has no frames");
        root = tree();
        root.add("tracks", new JsonPrimitive(3));
        rejects(root.toString(), "tracks must be a JSON array, not 3");
        root = tree();
        root.remove("width");
        rejects(root.toString(), "width is missing");
        root = tree();
        entry(root, 0, 1).add("score", new JsonObject());
        rejects(root.toString(), "tracks[0].frames[1].score must be a number, not an object");
        root = tree();
        entry(root, 0, 1).addProperty("frame", "1");
        rejects(root.toString(), "frames[1].frame must be an integer, not \"1\"");
        rejects(valid().replace("\"interpolated\":false}", "\"interpolated\":false,\"score\":1}"), "\"score\" appears twice");
        rejects(valid().replace("\"frame\":0,", "\"frame\":00,"), "malformed JSON");
        rejects("[" + valid() + "]", "not a JSON object");
    }

    /** Keys the format does not know are passed over, whatever they hold. */
    @Test
    void unknownKeysAreIgnored() throws IOException {
        JsonObject root = tree();
        root.addProperty("comment", "made by hand");
        JsonArray deep = new JsonArray();
        deep.add(new JsonArray());
        entry(root, 1, 0).add("extra", deep);
        FaceTracks back = TracksJson.parse(root.toString(), "tracks.json");
        assertEquals(3, back.tracks().size());
    }

    @Test
    void emptyClip() throws IOException {
        FaceTracks none = new FaceTracker().finish(320, 240, 0);
        Path file = dir.resolve("none.json");
        TracksJson.write(none, file);
        FaceTracks back = TracksJson.read(file);
        assertEquals(0, back.frames());
        assertTrue(back.shots().isEmpty() && back.tracks().isEmpty());
    }
}
