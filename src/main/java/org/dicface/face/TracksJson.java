package org.dicface.face;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonWriter;

import org.dicface.io.AtomicFile;
import org.dicface.io.StrictJson;
import org.dicface.io.StrictJson.JsonException;

/**
 * The tracks file ({@code dicface faces -o tracks.json}):
 * <pre>{@code
 * {"width", "height", "frames", "fps", "shots": [first frame of each shot],
 *  "tracks": [{"id", "frames": [{"frame", "box": [x, y, w, h], "score", "landmarks5": [[x, y] x 5],
 *                                "landmarks68": [[x, y] x 68], "interpolated"}]}]}
 * }</pre>
 * Coordinates are frame pixels with pixel centres at integer coordinates, written to 0.001 px; {@code landmarks5}
 * are the smoothed alignment points in the template's order, {@code landmarks68} (an addition to the official
 * fields) the smoothed 68 points that shape the paste-back mask. Reading is strict and treats every number as
 * hostile: sizes and indices in range, coordinates finite and near the frame, each track's frames consecutive
 * and inside one shot; a bad file gets one line naming the problem.
 */
public final class TracksJson {
    /** Larger tracks files are refused before they are read (about 25 hours of one face at 25 fps). */
    public static final long MAX_BYTES = 1L << 30;
    private static final int MAX_SIZE = 1 << 16;
    private static final int MAX_FRAMES = 100_000_000;

    private TracksJson() {
    }

    /** Writes {@code tracks} to {@code file}, atomically: the file appears complete or not at all. */
    public static void write(FaceTracks tracks, Path file) throws IOException {
        AtomicFile.write(file, channel -> {
            Writer w = Channels.newWriter(channel, StandardCharsets.UTF_8);
            write(tracks, w);
            w.flush();
        });
    }

    /** Writes the JSON text of {@code tracks}. */
    public static void write(FaceTracks tracks, Writer out) throws IOException {
        JsonWriter w = new JsonWriter(out);
        w.beginObject();
        w.name("width").value(tracks.width());
        w.name("height").value(tracks.height());
        w.name("frames").value(tracks.frames());
        w.name("fps").value(tracks.fps());
        w.name("shots").beginArray();
        for (int s : tracks.shots()) {
            w.value(s);
        }
        w.endArray();
        w.name("tracks").beginArray();
        for (Track t : tracks.tracks()) {
            w.beginObject();
            w.name("id").value(t.id());
            w.name("frames").beginArray();
            for (TrackedFace f : t.frames()) {
                w.beginObject();
                w.name("frame").value(f.frame());
                Box b = f.box();
                w.name("box").beginArray();
                for (double v : new double[] {b.x(), b.y(), b.width(), b.height()}) {
                    number(w, v);
                }
                w.endArray();
                w.name("score");
                number(w, f.score());
                w.name("landmarks5");
                points(w, f.landmarks5());
                w.name("landmarks68");
                points(w, f.landmarks68());
                w.name("interpolated").value(f.interpolated());
                w.endObject();
            }
            w.endArray();
            w.endObject();
        }
        w.endArray();
        w.endObject();
        w.flush();
    }

    private static void points(JsonWriter w, Landmarks l) throws IOException {
        w.beginArray();
        for (int i = 0; i < l.count(); i++) {
            w.beginArray();
            number(w, l.x(i));
            number(w, l.y(i));
            w.endArray();
        }
        w.endArray();
    }

    /** A coordinate or score to 0.001, without trailing zeros or an exponent. */
    private static void number(JsonWriter w, double v) throws IOException {
        w.jsonValue(BigDecimal.valueOf(Math.round(v * 1000)).movePointLeft(3).stripTrailingZeros().toPlainString());
    }

    /** Reads a tracks file; any problem is an IOException with one line naming the file and the problem. */
    public static FaceTracks read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + size + " bytes, more than the " + MAX_BYTES
                    + " a tracks file may have");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses the text of a tracks file; {@code name} names it in messages. */
    public static FaceTracks parse(String json, String name) throws IOException {
        try {
            return parse(StrictJson.parseObject(json));
        } catch (JsonException | IllegalArgumentException e) {
            throw new IOException(name + " is not a valid tracks file: " + e.getMessage());
        }
    }

    private static FaceTracks parse(JsonObject root) {
        int width = (int) StrictJson.integer(root.get("width"), 1, MAX_SIZE, "width");
        int height = (int) StrictJson.integer(root.get("height"), 1, MAX_SIZE, "height");
        int frames = (int) StrictJson.integer(root.get("frames"), 0, MAX_FRAMES, "frames");
        double fps = number(root.get("fps"), 0, 10_000, "fps");
        JsonArray shotArray = StrictJson.array(root.get("shots"), "shots");
        List<Integer> shots = new ArrayList<>();
        Set<Integer> shotStarts = new HashSet<>();
        for (int i = 0; i < shotArray.size(); i++) {
            int s = (int) StrictJson.integer(shotArray.get(i), 0, Math.max(0, frames - 1), "shots[" + i + "]");
            if (i == 0 && s != 0) {
                throw new JsonException("the first shot starts at frame " + s + ", not 0");
            }
            if (i > 0 && s <= shots.getLast()) {
                throw new JsonException("shots[" + i + "] = " + s + " does not come after " + shots.getLast());
            }
            shots.add(s);
            shotStarts.add(s);
        }
        if (frames > 0 && shots.isEmpty()) {
            throw new JsonException("shots is empty, but the clip has " + frames + " frames (the first shot starts at 0)");
        }
        if (frames == 0 && !shots.isEmpty()) {
            throw new JsonException("the clip has no frames but lists shots");
        }
        // coordinates may lie a little outside the frame (a face at the border), not anywhere
        double reach = 4.0 * Math.max(width, height);
        JsonArray trackArray = StrictJson.array(root.get("tracks"), "tracks");
        List<Track> tracks = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < trackArray.size(); i++) {
            String where = "tracks[" + i + "]";
            JsonObject t = StrictJson.object(trackArray.get(i), where);
            long id = StrictJson.integer(t.get("id"), 0, Integer.MAX_VALUE, where + ".id");
            if (!ids.add(id)) {
                throw new JsonException(where + ".id " + id + " is used by another track");
            }
            JsonArray entries = StrictJson.array(t.get("frames"), where + ".frames");
            if (entries.isEmpty()) {
                throw new JsonException("track " + id + " has no frames");
            }
            if (entries.size() > frames) {
                throw new JsonException("track " + id + " has " + entries.size() + " frames, the clip " + frames);
            }
            List<TrackedFace> faces = new ArrayList<>(entries.size());
            for (int k = 0; k < entries.size(); k++) {
                String at = "track " + id + ", frames[" + k + "]";
                TrackedFace f = face(StrictJson.object(entries.get(k), at), frames, reach, at);
                if (k > 0 && f.frame() != faces.getLast().frame() + 1) {
                    throw new JsonException(at + ": frame " + f.frame() + " does not follow frame "
                            + faces.getLast().frame() + " (a track's frames are consecutive)");
                }
                if (k > 0 && shotStarts.contains(f.frame())) {
                    throw new JsonException(at + ": the track runs across the shot cut before frame " + f.frame());
                }
                faces.add(f);
            }
            tracks.add(new Track((int) id, faces));
        }
        return new FaceTracks(width, height, frames, fps, shots, tracks);
    }

    private static TrackedFace face(JsonObject o, int frames, double reach, String at) {
        int frame = (int) StrictJson.integer(o.get("frame"), 0, frames - 1, at + ".frame");
        JsonArray b = StrictJson.array(o.get("box"), at + ".box");
        if (b.size() != 4) {
            throw new JsonException(at + ".box has " + b.size() + " numbers, not 4 (x, y, width, height)");
        }
        Box box = new Box(number(b.get(0), -reach, reach, at + ".box x"), number(b.get(1), -reach, reach, at + ".box y"),
                number(b.get(2), 0, reach, at + ".box width"), number(b.get(3), 0, reach, at + ".box height"));
        double score = number(o.get("score"), 0, 1, at + ".score");
        Landmarks five = points(o.get("landmarks5"), Landmarks.ALIGNMENT, reach, at + ".landmarks5");
        Landmarks full = points(o.get("landmarks68"), Landmarks.FULL, reach, at + ".landmarks68");
        JsonElement interpolated = o.get("interpolated");
        if (interpolated == null || !interpolated.isJsonPrimitive() || !interpolated.getAsJsonPrimitive().isBoolean()) {
            throw new JsonException(at + ".interpolated must be true or false, not " + StrictJson.describe(interpolated));
        }
        return new TrackedFace(frame, box, score, five, full, interpolated.getAsBoolean());
    }

    private static Landmarks points(JsonElement e, int count, double reach, String what) {
        JsonArray a = StrictJson.array(e, what);
        if (a.size() != count) {
            throw new JsonException(what + " has " + a.size() + " points, not " + count);
        }
        double[] xy = new double[2 * count];
        for (int i = 0; i < count; i++) {
            JsonArray p = StrictJson.array(a.get(i), what + "[" + i + "]");
            if (p.size() != 2) {
                throw new JsonException(what + "[" + i + "] has " + p.size() + " numbers, not 2 (x, y)");
            }
            xy[2 * i] = number(p.get(0), -reach, reach, what + "[" + i + "] x");
            xy[2 * i + 1] = number(p.get(1), -reach, reach, what + "[" + i + "] y");
        }
        return new Landmarks(xy);
    }

    /** A finite number in [min, max], written as an integer or not. */
    private static double number(JsonElement e, double min, double max, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new JsonException(what + " must be a number, not " + StrictJson.describe(e));
        }
        Number n = e.getAsNumber();
        double v = n instanceof BigInteger big ? big.doubleValue() : n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw new JsonException(what + " is " + StrictJson.shorten(e.toString()) + ", outside [" + min + ", "
                    + max + "]");
        }
        return v;
    }
}
