package org.dicface.io;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * JSON read from files, strictly (RFC 8259): no comments, unquoted keys, single quotes, trailing data or
 * other leniencies, no duplicate keys, bounded nesting. Integers stay exact ({@link BigInteger}), numbers
 * with a fraction or exponent become {@code Double}, so that "4.9" or "2^64 + 4" can never pass for a size.
 * Every problem is a {@link JsonException} naming it.
 */
public final class StrictJson {
    private static final int MAX_DEPTH = 64;
    private static final int MAX_INTEGER_DIGITS = 40;
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

    /** A malformed or unexpected JSON value; callers add the file it came from. */
    public static final class JsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public JsonException(String message) {
            super(message);
        }
    }

    private StrictJson() {
    }

    /** Parses a document that must be one JSON object. */
    public static JsonObject parseObject(String json) {
        return parse(json, JsonToken.BEGIN_OBJECT, "object").getAsJsonObject();
    }

    /** Parses a document that must be one JSON array. */
    public static JsonArray parseArray(String json) {
        return parse(json, JsonToken.BEGIN_ARRAY, "array").getAsJsonArray();
    }

    private static JsonElement parse(String json, JsonToken start, String kind) {
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != start) {
                throw new JsonException("not a JSON " + kind);
            }
            JsonElement root = read(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonException("data after the JSON " + kind);
            }
            return root;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // Gson reports syntax errors as MalformedJsonException (an IOException) with the position
            throw new JsonException("malformed JSON (" + shorten(e.getMessage()) + ")");
        }
    }

    private static JsonElement read(JsonReader reader, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new JsonException("nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String key = reader.nextName();
                    if (o.has(key)) {
                        throw new JsonException("the key \"" + shorten(key) + "\" appears twice");
                    }
                    o.add(key, read(reader, depth + 1));
                }
                reader.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    a.add(read(reader, depth + 1));
                }
                reader.endArray();
                return a;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return number(reader.nextString());
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new JsonException("unexpected " + reader.peek());
        }
    }

    /**
     * A number literal as this reader keeps it: an exact {@link BigInteger} for an integer literal (at most
     * 40 digits), otherwise a finite {@code Double}; for streaming readers that take the literal themselves.
     */
    public static JsonPrimitive number(String literal) {
        if (INTEGER.matcher(literal).matches()) {
            if (literal.length() > MAX_INTEGER_DIGITS) {
                throw new JsonException("the integer " + shorten(literal) + " is implausibly long");
            }
            return new JsonPrimitive(new BigInteger(literal));
        }
        double d = Double.parseDouble(literal);
        if (!Double.isFinite(d)) {
            throw new JsonException("the number " + shorten(literal) + " is out of range");
        }
        return new JsonPrimitive(d);
    }

    /** An exact integer in [min, max]; {@code what} names the value in the message. */
    public static long integer(JsonElement e, long min, long max, String what) {
        if (e == null || !e.isJsonPrimitive() || !(e.getAsJsonPrimitive().isNumber())
                || !(e.getAsNumber() instanceof BigInteger v)) {
            throw new JsonException(what + " must be an integer, not " + describe(e));
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new JsonException(what + " is " + v + ", outside [" + min + ", " + max + "]");
        }
        return v.longValue();
    }

    /** A finite number, integer or not; {@code what} names the value in the message. */
    public static double number(JsonElement e, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new JsonException(what + " must be a number, not " + describe(e));
        }
        double d = e.getAsNumber().doubleValue();
        if (!Double.isFinite(d)) {
            throw new JsonException(what + " is out of range: " + describe(e));
        }
        return d;
    }

    /** A string value. */
    public static String string(JsonElement e, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new JsonException(what + " must be a string, not " + describe(e));
        }
        return e.getAsString();
    }

    public static JsonObject object(JsonElement e, String what) {
        if (e == null || !e.isJsonObject()) {
            throw new JsonException(what + " must be a JSON object, not " + describe(e));
        }
        return e.getAsJsonObject();
    }

    public static JsonArray array(JsonElement e, String what) {
        if (e == null || !e.isJsonArray()) {
            throw new JsonException(what + " must be a JSON array, not " + describe(e));
        }
        return e.getAsJsonArray();
    }

    /** A short description of a value for messages (never the whole of a large value). */
    public static String describe(JsonElement e) {
        if (e == null) {
            return "missing";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        return shorten(e.toString());
    }

    /** Text for a message, cut to a readable length. */
    public static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
