package org.dicface.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.dicface.torch.DType;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The safetensors format (our own checkpoint format): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * <p>Reading follows the format as strictly as its reference implementation and validates everything before
 * any byte is used: header length within the file (and at most 100 MB), a strict JSON header (valid UTF-8, no
 * duplicate keys), known dtypes, exact non-negative integer shapes and offsets, shape x dtype size equal to
 * the range, and ranges contiguous from 0 that cover the data exactly. A malformed file gives a {@link CheckpointException}, never a
 * crash or an out-of-memory. The file is memory-mapped, so only the tensors asked for are read.
 */
public final class SafeTensors implements AutoCloseable {
    /** The reference implementation's limit on the header. */
    private static final long MAX_HEADER = 100_000_000L;
    private static final int MAX_DIMS = 64;

    /** One tensor's entry in the header. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates a file; close it when done (the mapping is released then). */
    /**
     * The metadata of a weights file: its header's {@code __metadata__} for a .safetensors file, empty for any
     * other file (the .pth files of the official code store none).
     */
    public static Map<String, String> metadataOf(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".safetensors")) {
            return Map.of();
        }
        try (SafeTensors st = open(file)) {
            return Map.copyOf(st.metadata());
        }
    }

    /** Whether metadata holds a configuration itself (a JSON object), not the name of one other tools write there. */
    public static boolean holdsConfiguration(Map<String, String> metadata) {
        String config = metadata.get("config");
        return config != null && config.strip().startsWith("{");
    }

    public static SafeTensors open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(file + " is not a safetensors file: only " + size + " bytes");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER) {
                throw new CheckpointException(file + " is not a valid safetensors file: header length " + headerLength
                        + " does not fit a file of " + size + " bytes" + (headerLength > MAX_HEADER ? " (or the 100 MB limit)" : ""));
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(file, header.array(), size - dataStart, metadata);
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, size - dataStart, arena);
            return new SafeTensors(file, arena, data, entries, metadata);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer target, long position) throws IOException {
        while (target.hasRemaining()) {
            if (channel.read(target, position + target.position()) < 0) {
                throw new java.io.EOFException("the file ended early");
            }
        }
    }

    /**
     * The header, checked as the reference implementation checks it: valid UTF-8, one strict JSON object
     * (starting with '{'), string metadata, every tensor well formed, and the byte ranges contiguous from 0,
     * covering the data exactly (so a wrong header length or a truncated file can never shift the data).
     */
    private static Map<String, Entry> parseHeader(Path file, byte[] bytes, long dataSize, Map<String, String> metadata) {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file + " is not a valid safetensors file: its header is not valid UTF-8");
        }
        JsonObject root;
        try {
            if (!json.startsWith("{")) {
                throw new StrictJson.JsonException("it does not start with '{'");
            }
            root = StrictJson.parseObject(json);
        } catch (StrictJson.JsonException e) {
            throw new CheckpointException(file + " is not a valid safetensors file: its header is not a JSON object ("
                    + e.getMessage() + ")");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (var e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                metadata(file, e.getValue(), metadata);
            } else {
                entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
            }
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry prev = null;
        for (Entry cur : byOffset) {
            if (cur.end() > dataSize) {
                throw new CheckpointException(file + " is not a valid safetensors file: tensor '" + shorten(cur.name())
                        + "' has byte range [" + cur.begin() + ", " + cur.end() + ") outside the " + dataSize + " data bytes");
            }
            if (cur.begin() < expected) {
                throw new CheckpointException(file + " is not a valid safetensors file: tensors '" + shorten(prev.name())
                        + "' and '" + shorten(cur.name()) + "' overlap in the file");
            }
            if (cur.begin() > expected) {
                throw new CheckpointException(file + " is not a valid safetensors file: a gap of " + (cur.begin() - expected)
                        + " bytes before tensor '" + shorten(cur.name()) + "' (the byte ranges must follow each other)");
            }
            expected = cur.end();
            prev = cur;
        }
        if (expected != dataSize) {
            throw new CheckpointException(file + " is not a valid safetensors file: the tensors cover " + expected
                    + " bytes, but the file holds " + dataSize + " data bytes after the header (truncated, extended, or a "
                    + "wrong header length)");
        }
        return entries;
    }

    private static void metadata(Path file, JsonElement value, Map<String, String> metadata) {
        try {
            for (var m : StrictJson.object(value, "__metadata__").entrySet()) {
                metadata.put(m.getKey(), StrictJson.string(m.getValue(), "metadata '" + shorten(m.getKey()) + "'"));
            }
        } catch (StrictJson.JsonException e) {
            throw new CheckpointException(file + " is not a valid safetensors file: " + e.getMessage());
        }
    }

    private static Entry entry(Path file, String name, JsonElement value, long dataSize) {
        String what = "tensor '" + shorten(name) + "'";
        try {
            JsonObject o = StrictJson.object(value, what);
            DType dtype = dtype(StrictJson.string(o.get("dtype"), what + ": dtype"));
            var shapeJson = StrictJson.array(o.get("shape"), what + ": shape");
            if (shapeJson.size() > MAX_DIMS) {
                throw new StrictJson.JsonException(what + " has " + shapeJson.size() + " dimensions");
            }
            long[] shape = new long[shapeJson.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = StrictJson.integer(shapeJson.get(i), Long.MIN_VALUE, Long.MAX_VALUE, what + ": a dimension");
                if (shape[i] < 0) {
                    throw new StrictJson.JsonException(what + " has a negative dimension");
                }
                numel = multiply(numel, shape[i], what);
            }
            var offsets = StrictJson.array(o.get("data_offsets"), what + ": data_offsets");
            if (offsets.size() != 2) {
                throw new StrictJson.JsonException(what + ": data_offsets must hold two numbers, [begin, end)");
            }
            long begin = StrictJson.integer(offsets.get(0), 0, Long.MAX_VALUE, what + ": begin offset");
            long end = StrictJson.integer(offsets.get(1), 0, Long.MAX_VALUE, what + ": end offset");
            if (end > dataSize) {
                throw new StrictJson.JsonException(what + " has byte range [" + begin + ", " + end + ") outside the "
                        + dataSize + " data bytes");
            }
            long bytes = multiply(numel, dtype.byteSize(), what);
            if (end < begin || end - begin != bytes) {
                throw new StrictJson.JsonException(what + " of shape " + java.util.Arrays.toString(shape) + " and " + dtype
                        + " needs " + bytes + " bytes, its range holds " + (end - begin) + " ([" + begin + ", " + end + "))");
            }
            return new Entry(name, dtype, shape, begin, end);
        } catch (StrictJson.JsonException e) {
            throw new CheckpointException(file + " is not a valid safetensors file: " + e.getMessage());
        }
    }

    private static long multiply(long a, long b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new StrictJson.JsonException(what + ": its size overflows 64 bits");
        }
    }

    private static String shorten(String s) {
        return StrictJson.shorten(s);
    }

    static DType dtype(String code) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F16" -> DType.FLOAT16;
            case "BF16" -> DType.BFLOAT16;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "I16" -> DType.INT16;
            case "I8" -> DType.INT8;
            case "U8" -> DType.UINT8;
            case "BOOL" -> DType.BOOL;
            default -> throw new StrictJson.JsonException("unsupported safetensors dtype '" + shorten(code) + "'");
        };
    }

    static String code(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT16 -> "I16";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOL -> "BOOL";
        };
    }

    public Path file() {
        return file;
    }

    /** Entries in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Reads one tensor (copied once from the mapped file into a new CPU tensor). */
    public Tensor load(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(file + " holds no tensor '" + shorten(name) + "'");
        }
        return Tensor.fromSegment(data.asSlice(e.begin(), e.end() - e.begin()), e.dtype(), e.shape());
    }

    /** Reads every tensor, in header order; the caller owns them. */
    public Map<String, Tensor> loadAll() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            result.put(name, load(name));
        }
        return result;
    }

    /** Reads a whole file. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (SafeTensors st = open(file)) {
            return st.loadAll();
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Writes tensors (in name order) and metadata atomically: to a temporary file, then moved in place. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<String> names = new ArrayList<>(tensors.keySet());
        names.sort(null);
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (String name : names) {
            Tensor t = tensors.get(name);
            long bytes = t.numel() * t.dtype().byteSize();
            JsonObject o = new JsonObject();
            o.addProperty("dtype", code(t.dtype()));
            var shape = new com.google.gson.JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            var offsets = new com.google.gson.JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            o.add("data_offsets", offsets);
            header.add(name, o);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;  // the data starts 8-byte aligned
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFile.write(file, channel -> {
            channel.write(head);
            for (String name : names) {
                try (Scope scope = Scope.open()) {
                    tensors.get(name).writeTo(channel);
                }
            }
        });
    }
}
