package org.dicface.face;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
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

import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
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

    /**
     * {@code tracks} as a tracks file gives them back (points to a thousandth of a pixel): what every restoration uses,
     * so that one with tracks found in the run and one with the same tracks read from a file give the same pixels.
     */
    public static FaceTracks asStored(FaceTracks tracks) {
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            write(tracks, text);
            return parse(text.toString(), "the tracks found");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);  // in memory: cannot happen
        }
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
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file.toString());
        }
    }

    /** Parses the text of a tracks file; {@code name} names it in messages. */
    public static FaceTracks parse(String json, String name) throws IOException {
        return parse(new StringReader(json), name);
    }

    private static FaceTracks parse(Reader in, String name) throws IOException {
        try (JsonReader r = new JsonReader(in)) {
            r.setStrictness(Strictness.STRICT);
            if (r.peek() != JsonToken.BEGIN_OBJECT) {
                throw new JsonException("not a JSON object");
            }
            FaceTracks tracks = new Document(r).read();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonException("data after the JSON object");
            }
            return tracks;
        } catch (JsonException | IllegalArgumentException e) {
            throw new IOException(name + " is not a valid tracks file: " + e.getMessage());
        } catch (IOException | IllegalStateException e) {
            // Gson reports syntax errors as MalformedJsonException (an IOException) with the position
            throw new IOException(name + " is not a valid tracks file: malformed JSON ("
                    + StrictJson.shorten(e.getMessage()) + ")");
        }
    }

    /**
     * The streaming reader: the file is read once, straight into compact per-frame records (never a whole JSON
     * tree, which would take ten times the memory), and checked when the top-level object is complete, since
     * JSON does not fix the order of its keys.
     */
    private static final class Document {
        private final JsonReader r;

        Document(JsonReader r) {
            this.r = r;
        }

        /** One frame entry as read: its numbers range-checked against what is known without the header. */
        private record Entry(long frame, double[] box, double score, double[] five, double[] full,
                boolean interpolated) {
        }

        private record RawTrack(long id, List<Entry> entries) {
        }

        FaceTracks read() throws IOException {
            Long width = null;
            Long height = null;
            Long frames = null;
            Double fps = null;
            List<Long> shots = null;
            List<RawTrack> raw = null;
            Set<String> keys = new HashSet<>();
            r.beginObject();
            while (r.hasNext()) {
                String key = name(keys);
                switch (key) {
                    case "width" -> width = integer(1, MAX_SIZE, "width");
                    case "height" -> height = integer(1, MAX_SIZE, "height");
                    case "frames" -> frames = integer(0, MAX_FRAMES, "frames");
                    case "fps" -> fps = number(0, 10_000, "fps");
                    case "shots" -> {
                        shots = new ArrayList<>();
                        begin(JsonToken.BEGIN_ARRAY, "shots");
                        r.beginArray();
                        while (r.hasNext()) {
                            shots.add(integer(0, MAX_FRAMES, "shots[" + shots.size() + "]"));
                        }
                        r.endArray();
                    }
                    case "tracks" -> raw = tracks();
                    default -> r.skipValue();
                }
            }
            r.endObject();
            if (width == null || height == null || frames == null || fps == null || shots == null || raw == null) {
                String missing = width == null ? "width" : height == null ? "height" : frames == null ? "frames"
                        : fps == null ? "fps" : shots == null ? "shots" : "tracks";
                throw new JsonException(missing + " is missing");
            }
            return check(width.intValue(), height.intValue(), frames.intValue(), fps, shots, raw);
        }

        private List<RawTrack> tracks() throws IOException {
            List<RawTrack> tracks = new ArrayList<>();
            begin(JsonToken.BEGIN_ARRAY, "tracks");
            r.beginArray();
            while (r.hasNext()) {
                String where = "tracks[" + tracks.size() + "]";
                Long id = null;
                List<Entry> entries = null;
                Set<String> keys = new HashSet<>();
                begin(JsonToken.BEGIN_OBJECT, where);
                r.beginObject();
                while (r.hasNext()) {
                    switch (name(keys)) {
                        case "id" -> id = integer(0, Integer.MAX_VALUE, where + ".id");
                        case "frames" -> entries = entries(where);
                        default -> r.skipValue();
                    }
                }
                r.endObject();
                if (id == null) {
                    throw new JsonException(where + ".id is missing");
                }
                if (entries == null) {
                    throw new JsonException(where + ".frames is missing");
                }
                tracks.add(new RawTrack(id, entries));
            }
            r.endArray();
            return tracks;
        }

        private List<Entry> entries(String track) throws IOException {
            List<Entry> entries = new ArrayList<>();
            begin(JsonToken.BEGIN_ARRAY, track + ".frames");
            r.beginArray();
            while (r.hasNext()) {
                if (entries.size() >= MAX_FRAMES) {
                    throw new JsonException(track + " has more than " + MAX_FRAMES + " frames");
                }
                String at = track + ".frames[" + entries.size() + "]";
                Long frame = null;
                double[] box = null;
                Double score = null;
                double[] five = null;
                double[] full = null;
                Boolean interpolated = null;
                Set<String> keys = new HashSet<>();
                begin(JsonToken.BEGIN_OBJECT, at);
                r.beginObject();
                while (r.hasNext()) {
                    switch (name(keys)) {
                        case "frame" -> frame = integer(0, MAX_FRAMES, at + ".frame");
                        case "box" -> box = numbers(4, at + ".box", "x, y, width, height");
                        case "score" -> score = number(0, 1, at + ".score");
                        case "landmarks5" -> five = points(Landmarks.ALIGNMENT, at + ".landmarks5");
                        case "landmarks68" -> full = points(Landmarks.FULL, at + ".landmarks68");
                        case "interpolated" -> {
                            if (r.peek() != JsonToken.BOOLEAN) {
                                throw new JsonException(at + ".interpolated must be true or false, not " + token());
                            }
                            interpolated = r.nextBoolean();
                        }
                        default -> r.skipValue();
                    }
                }
                r.endObject();
                String missing = frame == null ? "frame" : box == null ? "box" : score == null ? "score"
                        : five == null ? "landmarks5" : full == null ? "landmarks68"
                        : interpolated == null ? "interpolated" : null;
                if (missing != null) {
                    throw new JsonException(at + "." + missing + " is missing" + (full == null && missing.equals(
                            "landmarks68") ? " (the 68 points the paste-back mask needs: dicface faces writes them)" : ""));
                }
                entries.add(new Entry(frame, box, score, five, full, interpolated));
            }
            r.endArray();
            return entries;
        }

        /** {@code count} [x, y] pairs, flattened. */
        private double[] points(int count, String what) throws IOException {
            double[] xy = new double[2 * count];
            begin(JsonToken.BEGIN_ARRAY, what);
            r.beginArray();
            int i = 0;
            while (r.hasNext()) {
                if (i == count) {
                    throw new JsonException(what + " has more than " + count + " points");
                }
                double[] p = numbers(2, what + "[" + i + "]", "x, y");
                xy[2 * i] = p[0];
                xy[2 * i + 1] = p[1];
                i++;
            }
            r.endArray();
            if (i != count) {
                throw new JsonException(what + " has " + i + " points, not " + count);
            }
            return xy;
        }

        /** An array of exactly {@code count} finite numbers (their range is checked later, against the frame). */
        private double[] numbers(int count, String what, String names) throws IOException {
            double[] v = new double[count];
            begin(JsonToken.BEGIN_ARRAY, what);
            r.beginArray();
            int i = 0;
            while (r.hasNext()) {
                if (i == count) {
                    throw new JsonException(what + " has more than " + count + " numbers (" + names + ")");
                }
                v[i] = number(-Double.MAX_VALUE, Double.MAX_VALUE, what + "[" + i + "]");
                i++;
            }
            r.endArray();
            if (i != count) {
                throw new JsonException(what + " has " + i + " numbers, not " + count + " (" + names + ")");
            }
            return v;
        }

        private String name(Set<String> seen) throws IOException {
            String key = r.nextName();
            if (!seen.add(key)) {
                throw new JsonException("the key \"" + StrictJson.shorten(key) + "\" appears twice");
            }
            return key;
        }

        private void begin(JsonToken token, String what) throws IOException {
            if (r.peek() != token) {
                throw new JsonException(what + " must be " + (token == JsonToken.BEGIN_ARRAY ? "a JSON array"
                        : "a JSON object") + ", not " + token());
            }
        }

        /** The next value in words, consumed when it is a single token. */
        private String token() throws IOException {
            return switch (r.peek()) {
                case BEGIN_OBJECT -> "an object";
                case BEGIN_ARRAY -> "an array";
                case NULL -> "null";
                case BOOLEAN -> String.valueOf(r.nextBoolean());
                case STRING -> "\"" + StrictJson.shorten(r.nextString()) + "\"";
                case NUMBER -> StrictJson.shorten(r.nextString());
                default -> r.peek().toString();
            };
        }

        private long integer(long min, long max, String what) throws IOException {
            if (r.peek() != JsonToken.NUMBER) {
                throw new JsonException(what + " must be an integer, not " + token());
            }
            return StrictJson.integer(StrictJson.number(r.nextString()), min, max, what);
        }

        private double number(double min, double max, String what) throws IOException {
            if (r.peek() != JsonToken.NUMBER) {
                throw new JsonException(what + " must be a number, not " + token());
            }
            String literal = r.nextString();
            return TracksJson.number(StrictJson.number(literal), min, max, what);
        }
    }

    /** The whole file read: every index and coordinate checked against the header. */
    private static FaceTracks check(int width, int height, int frames, double fps, List<Long> shotList,
            List<Document.RawTrack> raw) {
        List<Integer> shots = new ArrayList<>();
        Set<Integer> shotStarts = new HashSet<>();
        for (int i = 0; i < shotList.size(); i++) {
            long s = shotList.get(i);
            if (s > frames - 1) {
                throw new JsonException("shots[" + i + "] is " + s + ", outside [0, " + Math.max(0, frames - 1) + "]");
            }
            if (i == 0 && s != 0) {
                throw new JsonException("the first shot starts at frame " + s + ", not 0");
            }
            if (i > 0 && s <= shots.getLast()) {
                throw new JsonException("shots[" + i + "] = " + s + " does not come after " + shots.getLast());
            }
            shots.add((int) s);
            shotStarts.add((int) s);
        }
        if (frames > 0 && shots.isEmpty()) {
            throw new JsonException("shots is empty, but the clip has " + frames + " frames (the first shot starts at 0)");
        }
        // coordinates may lie a little outside the frame (a face at the border), not anywhere
        double reach = 4.0 * Math.max(width, height);
        List<Track> tracks = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Document.RawTrack t = raw.get(i);
            long id = t.id();
            if (!ids.add(id)) {
                throw new JsonException("tracks[" + i + "].id " + id + " is used by another track");
            }
            if (t.entries().isEmpty()) {
                throw new JsonException("track " + id + " has no frames");
            }
            if (t.entries().size() > frames) {
                throw new JsonException("track " + id + " has " + t.entries().size() + " frames, the clip " + frames);
            }
            List<TrackedFace> faces = new ArrayList<>(t.entries().size());
            for (int k = 0; k < t.entries().size(); k++) {
                String at = "track " + id + ", frames[" + k + "]";
                Document.Entry e = t.entries().get(k);
                if (e.frame() > frames - 1) {
                    throw new JsonException(at + ".frame is " + e.frame() + ", outside [0, " + (frames - 1) + "]");
                }
                int frame = (int) e.frame();
                if (k > 0 && frame != faces.getLast().frame() + 1) {
                    throw new JsonException(at + ": frame " + frame + " does not follow frame "
                            + faces.getLast().frame() + " (a track's frames are consecutive)");
                }
                if (k > 0 && shotStarts.contains(frame)) {
                    throw new JsonException(at + ": the track runs across the shot cut before frame " + frame);
                }
                double[] b = e.box();
                String[] parts = {"x", "y", "width", "height"};
                for (int j = 0; j < 4; j++) {
                    double lo = j < 2 ? -reach : 0;
                    if (!(b[j] >= lo && b[j] <= reach)) {
                        throw new JsonException(at + ".box " + parts[j] + " is " + b[j] + ", outside [" + lo + ", "
                                + reach + "]");
                    }
                }
                within(e.five(), reach, at + ".landmarks5");
                within(e.full(), reach, at + ".landmarks68");
                faces.add(new TrackedFace(frame, new Box(b[0], b[1], b[2], b[3]), e.score(), new Landmarks(e.five()),
                        new Landmarks(e.full()), e.interpolated()));
            }
            tracks.add(new Track((int) id, faces));
        }
        return new FaceTracks(width, height, frames, fps, shots, tracks);
    }

    private static void within(double[] xy, double reach, String what) {
        for (int i = 0; i < xy.length; i++) {
            if (!(xy[i] >= -reach && xy[i] <= reach)) {
                throw new JsonException(what + "[" + i / 2 + "] " + (i % 2 == 0 ? "x" : "y") + " is " + xy[i]
                        + ", outside [" + -reach + ", " + reach + "]");
            }
        }
    }

    /** A finite number in [min, max], written as an integer or not. */
    private static double number(JsonPrimitive p, double min, double max, String what) {
        Number n = p.getAsNumber();
        double v = n instanceof BigInteger big ? big.doubleValue() : n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw new JsonException(what + " is " + StrictJson.shorten(p.toString()) + ", outside [" + min + ", "
                    + max + "]");
        }
        return v;
    }
}
