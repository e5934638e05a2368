package org.dicface.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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
import com.google.gson.JsonParser;
import org.dicface.torch.DType;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The safetensors format (our own checkpoint format): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * <p>Reading validates everything before any byte is used: header length within the file (and at most
 * 100 MB), known dtypes, shapes of non-negative sizes, byte ranges inside the data and not overlapping, and
 * shape x dtype size equal to the range. A malformed file gives a {@link CheckpointException}, never a
 * crash or an out-of-memory. The file is memory-mapped, so only the tensors asked for are read.
 */
public final class SafeTensors implements AutoCloseable {
    private static final long MAX_HEADER = 100L << 20;

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
    public static SafeTensors open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(file + " is not a safetensors file: only " + size + " bytes");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength <= 0 || headerLength > size - 8 || headerLength > MAX_HEADER) {
                throw new CheckpointException(file + " is not a valid safetensors file: header length " + headerLength
                        + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            channel.read(header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(file, json, size - dataStart, metadata);
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, size - dataStart, arena);
            return new SafeTensors(file, arena, data, entries, metadata);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, Entry> parseHeader(Path file, String json, long dataSize, Map<String, String> metadata) {
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new CheckpointException(file + ": the safetensors header is not a JSON object (" + e.getMessage() + ")");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (var e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                e.getValue().getAsJsonObject().entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                continue;
            }
            entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry prev = byOffset.get(i - 1);
            Entry cur = byOffset.get(i);
            if (cur.begin() < prev.end()) {
                throw new CheckpointException(file + ": tensors '" + prev.name() + "' and '" + cur.name()
                        + "' overlap in the file");
            }
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonElement value, long dataSize) {
        try {
            JsonObject o = value.getAsJsonObject();
            DType dtype = dtype(o.get("dtype").getAsString());
            var shapeJson = o.get("shape").getAsJsonArray();
            long[] shape = new long[shapeJson.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new CheckpointException(file + ": tensor '" + name + "' has a negative dimension");
                }
                numel = Math.multiplyExact(numel, shape[i]);
            }
            var offsets = o.get("data_offsets").getAsJsonArray();
            long begin = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            if (offsets.size() != 2 || begin < 0 || end < begin || end > dataSize) {
                throw new CheckpointException(file + ": tensor '" + name + "' has byte range [" + begin + ", " + end
                        + ") outside the " + dataSize + " data bytes");
            }
            if (Math.multiplyExact(numel, dtype.byteSize()) != end - begin) {
                throw new CheckpointException(file + ": tensor '" + name + "' of shape " + java.util.Arrays.toString(shape)
                        + " and " + dtype + " needs " + numel * dtype.byteSize() + " bytes, its range holds " + (end - begin));
            }
            return new Entry(name, dtype, shape, begin, end);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException(file + ": the header entry of tensor '" + name + "' is malformed (" + e + ")");
        }
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
            default -> throw new CheckpointException("unsupported safetensors dtype '" + code + "'");
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
            throw new CheckpointException(file + " holds no tensor '" + name + "'");
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
                    Tensor t = tensors.get(name);
                    channel.write(ByteBuffer.wrap(t.toBytes()));
                }
            }
        });
    }
}
