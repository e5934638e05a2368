package org.dicface.face;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.dicface.io.CheckpointException;
import org.dicface.io.StrictJson;
import org.dicface.io.StrictJson.JsonException;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The weights of a TensorFlow.js model: a weights manifest (JSON, a list of groups, each naming its shard files
 * and its weights' names, shapes and dtypes) and the shards, whose bytes a group's weights take in order. As
 * TF.js's {@code tf.io.decodeWeights}: float32 and int32 raw little-endian, or quantized as uint8/uint16
 * ({@code value = q * scale + min}, rounded for int32) or float16; every weight becomes a CPU tensor, float32 or
 * int32, with the manifest's shape (TF.js layouts: convolution kernels are [kh, kw, in, out]).
 *
 * <p>The manifest is read as hostile: strict JSON, bounded sizes, shard names that stay beside the manifest,
 * shapes and byte counts checked with overflow-safe arithmetic against the shards' exact sizes, finite values.
 * Every problem is one {@link CheckpointException} naming the file and the problem. Close the weights to free
 * their tensors.
 */
public final class TfjsWeights implements AutoCloseable {
    private static final int MAX_MANIFEST_BYTES = 16 << 20;
    /** Values in all (each becomes a Java float or int while decoding): 64 M, 256 MB as float32. */
    private static final long MAX_VALUES = 1L << 26;
    /** Bytes per group: the values at 4 bytes each at most, so this bound holds whenever MAX_VALUES does. */
    private static final long MAX_GROUP_BYTES = 4 * MAX_VALUES;
    private static final int MAX_DIMS = 8;
    private static final int MAX_GROUPS = 1024;
    private static final int MAX_PATHS = 4096;
    private static final int MAX_WEIGHTS = 100_000;
    /** Shard names: relative, plain segments, no "." or ".." segment. */
    private static final Pattern SHARD = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

    /** Opens a shard named by the manifest (a path relative to the manifest's folder). */
    @FunctionalInterface
    public interface Shards {
        InputStream open(String path) throws IOException;
    }

    private final String source;
    private final Map<String, Tensor> tensors;

    private TfjsWeights(String source, Map<String, Tensor> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Reads a manifest file and its shards from the manifest's folder. */
    public static TfjsWeights read(Path manifest) throws IOException {
        Path folder = manifest.toAbsolutePath().getParent();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(manifest)) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("the TF.js weights manifest " + manifest + " does not exist");
        }
        return read(manifest.toString(), bytes, path -> Files.newInputStream(folder.resolve(path)));
    }

    /** Reads a manifest from the class path ({@code anchor}'s resources) and its shards from beside it. */
    public static TfjsWeights readResource(Class<?> anchor, String manifest) throws IOException {
        byte[] bytes;
        try (InputStream in = anchor.getResourceAsStream(manifest)) {
            if (in == null) {
                throw new CheckpointException("the TF.js weights manifest " + manifest
                        + " is missing from the class path; the installation is incomplete, reinstall it");
            }
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        int slash = manifest.lastIndexOf('/');
        String folder = slash < 0 ? "" : manifest.substring(0, slash + 1);
        return read(manifest, bytes, path -> {
            InputStream in = anchor.getResourceAsStream(folder + path);
            if (in == null) {
                throw new NoSuchFileException(folder + path);
            }
            return in;
        });
    }

    /** Reads a manifest's bytes; {@code source} names it in messages. */
    public static TfjsWeights read(String source, byte[] manifest, Shards shards) throws IOException {
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try {
                for (Group group : parse(manifest)) {
                    byte[] data = readShards(group, shards);
                    decode(group, data, tensors);
                }
            } catch (RuntimeException | IOException | Error e) {
                tensors.values().forEach(Tensor::close);
                throw e;
            }
            return new TfjsWeights(source, tensors);
        } catch (JsonException e) {
            throw invalid(source, e.getMessage());
        } catch (ManifestException e) {
            throw invalid(source, e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CheckpointException(source + ": the shard " + e.getFile() + " it names is missing;"
                    + " keep the shard files beside the manifest");
        }
    }

    private static CheckpointException invalid(String source, String problem) {
        return new CheckpointException(source + " is not a valid TF.js weights manifest: " + problem
                + "; use the manifest and shards exactly as the model ships them");
    }

    /** The weights by name, in the manifest's order (the tensors themselves: they stay owned by this object). */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** One weight; a name the manifest lacks is a {@link CheckpointException}. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(source + " has no weight '" + StrictJson.shorten(name)
                    + "'; it is not the manifest of the expected model");
        }
        return t;
    }

    /** Where the weights came from, for messages. */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
    }

    // ---- the manifest ----

    /** A problem in the manifest's content (as opposed to its JSON syntax). */
    private static final class ManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ManifestException(String message) {
            super(message);
        }
    }

    private enum Encoding {
        FLOAT32(4), INT32(4), UINT8(1), UINT16(2), FLOAT16(2);

        final int bytes;

        Encoding(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One weight: its stored encoding, whether it decodes to int32, and the uint quantization's parameters. */
    private record Spec(String name, long[] shape, long numel, boolean int32, Encoding stored, double scale,
            double min, long bytes) {
    }

    private record Group(List<String> paths, List<Spec> weights, long bytes) {
    }

    private static List<Group> parse(byte[] manifest) {
        if (manifest.length > MAX_MANIFEST_BYTES) {
            throw new ManifestException("it is larger than " + (MAX_MANIFEST_BYTES >> 20) + " MB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(manifest)).toString();
        } catch (CharacterCodingException e) {
            throw new ManifestException("it is not UTF-8 text");
        }
        JsonArray groups = StrictJson.parseArray(text);
        if (groups.isEmpty() || groups.size() > MAX_GROUPS) {
            throw new ManifestException("it holds " + groups.size() + " weight groups, expected 1 to " + MAX_GROUPS);
        }
        List<Group> result = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        int weightCount = 0;
        long values = 0;
        for (int g = 0; g < groups.size(); g++) {
            JsonObject group = StrictJson.object(groups.get(g), "group " + g);
            JsonArray pathArray = StrictJson.array(group.get("paths"), "group " + g + "'s \"paths\"");
            if (pathArray.isEmpty() || pathArray.size() > MAX_PATHS) {
                throw new ManifestException("group " + g + " names " + pathArray.size() + " shards, expected 1 to "
                        + MAX_PATHS);
            }
            List<String> paths = new ArrayList<>();
            for (JsonElement p : pathArray) {
                String path = StrictJson.string(p, "a shard path");
                if (!SHARD.matcher(path).matches() || path.length() > 255) {
                    throw new ManifestException("the shard path \"" + StrictJson.shorten(path)
                            + "\" is not a plain relative file name");
                }
                paths.add(path);
            }
            JsonArray weights = StrictJson.array(group.get("weights"), "group " + g + "'s \"weights\"");
            weightCount += weights.size();
            if (weightCount > MAX_WEIGHTS) {
                throw new ManifestException("it names more than " + MAX_WEIGHTS + " weights");
            }
            List<Spec> specs = new ArrayList<>();
            long bytes = 0;
            for (JsonElement w : weights) {
                Spec spec = spec(StrictJson.object(w, "a weight entry"));
                values += spec.numel(); // each at most MAX_GROUP_BYTES: no overflow
                if (values > MAX_VALUES) {
                    throw new ManifestException("its weights hold more than " + (MAX_VALUES >> 20)
                            + " M values, more than any TF.js model this reader is meant for");
                }
                if (!names.add(spec.name())) {
                    throw new ManifestException("the weight '" + StrictJson.shorten(spec.name()) + "' appears twice");
                }
                bytes += spec.bytes(); // at most 4 bytes per value, so within MAX_GROUP_BYTES
                specs.add(spec);
            }
            result.add(new Group(List.copyOf(paths), List.copyOf(specs), bytes));
        }
        return result;
    }

    private static Spec spec(JsonObject w) {
        String name = StrictJson.string(w.get("name"), "a weight's \"name\"");
        String what = "weight '" + StrictJson.shorten(name) + "'";
        if (name.isEmpty()) {
            throw new ManifestException("a weight has an empty name");
        }
        JsonArray dims = StrictJson.array(w.get("shape"), what + "'s \"shape\"");
        if (dims.size() > MAX_DIMS) {
            throw new ManifestException(what + " has " + dims.size() + " dimensions, at most " + MAX_DIMS);
        }
        long[] shape = new long[dims.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = StrictJson.integer(dims.get(i), 0, Integer.MAX_VALUE, what + "'s dimension " + i);
            numel = multiplyWithin(numel, shape[i], what, shape);
        }
        String dtype = StrictJson.string(w.get("dtype"), what + "'s \"dtype\"");
        boolean int32 = switch (dtype) {
            case "float32" -> false;
            case "int32" -> true;
            default -> throw new ManifestException(what + " has the dtype \"" + StrictJson.shorten(dtype)
                    + "\"; only float32 and int32 weights are supported");
        };
        Encoding stored = int32 ? Encoding.INT32 : Encoding.FLOAT32;
        double scale = 1;
        double min = 0;
        JsonElement q = w.get("quantization");
        if (q != null) {
            JsonObject quantization = StrictJson.object(q, what + "'s \"quantization\"");
            String qtype = StrictJson.string(quantization.get("dtype"), what + "'s quantization dtype");
            stored = switch (qtype) {
                case "uint8" -> Encoding.UINT8;
                case "uint16" -> Encoding.UINT16;
                case "float16" -> Encoding.FLOAT16;
                default -> throw new ManifestException(what + " is quantized as \"" + StrictJson.shorten(qtype)
                        + "\"; TF.js defines uint8, uint16 and float16");
            };
            if (stored == Encoding.FLOAT16) {
                if (int32) {
                    throw new ManifestException(what + " is int32 quantized as float16, which TF.js does not define");
                }
            } else {
                scale = StrictJson.number(quantization.get("scale"), what + "'s quantization scale");
                min = StrictJson.number(quantization.get("min"), what + "'s quantization min");
            }
        }
        long bytes = numel * stored.bytes; // numel <= MAX_VALUES: at most MAX_GROUP_BYTES
        return new Spec(name, shape, numel, int32, stored, scale, min, bytes);
    }

    /** a * b for non-negative a and b, an error when it passes the limit on values (so it never overflows). */
    private static long multiplyWithin(long a, long b, String what, long[] shape) {
        if (b != 0 && a > MAX_VALUES / b) {
            throw new ManifestException(what + " has an implausibly large shape " + Arrays.toString(shape));
        }
        return a * b;
    }

    // ---- the shards ----

    /** A group's shards, concatenated; their total size must equal what its weights take, exactly. */
    private static byte[] readShards(Group group, Shards shards) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (String path : group.paths()) {
            try (InputStream in = shards.open(path)) {
                // never reads more than one byte past what the manifest accounts for
                byte[] part = in.readNBytes((int) (group.bytes() - total + 1));
                total += part.length;
                if (total > group.bytes()) {
                    throw new ManifestException("its shards hold more bytes than the " + group.bytes()
                            + " its weights take (at " + path + ")");
                }
                parts.add(part);
            }
        }
        if (total != group.bytes()) {
            throw new ManifestException("its weights take " + group.bytes() + " bytes but the shards "
                    + String.join(", ", group.paths()) + " hold only " + total);
        }
        byte[] data = new byte[(int) total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, data, at, part.length);
            at += part.length;
        }
        return data;
    }

    private static void decode(Group group, byte[] data, Map<String, Tensor> into) {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (Spec spec : group.weights()) {
            int n = (int) spec.numel(); // at most MAX_VALUES
            Tensor t;
            if (spec.int32()) {
                int[] values = new int[n];
                for (int i = 0; i < n; i++) {
                    values[i] = switch (spec.stored()) {
                        case INT32 -> buffer.getInt();
                        case UINT8 -> rounded(spec, Byte.toUnsignedInt(buffer.get()));
                        case UINT16 -> rounded(spec, Short.toUnsignedInt(buffer.getShort()));
                        default -> throw new IllegalStateException();
                    };
                }
                t = Scope.unowned(() -> Tensor.of(values, spec.shape()));
            } else {
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    // as TF.js: the dequantization in double, stored as float32
                    float v = switch (spec.stored()) {
                        case FLOAT32 -> buffer.getFloat();
                        case FLOAT16 -> Float.float16ToFloat(buffer.getShort());
                        case UINT8 -> (float) (Byte.toUnsignedInt(buffer.get()) * spec.scale() + spec.min());
                        case UINT16 -> (float) (Short.toUnsignedInt(buffer.getShort()) * spec.scale() + spec.min());
                        default -> throw new IllegalStateException();
                    };
                    if (!Float.isFinite(v)) {
                        throw new ManifestException("weight '" + StrictJson.shorten(spec.name())
                                + "' holds a value that is not finite (" + v + ")");
                    }
                    values[i] = v;
                }
                t = Scope.unowned(() -> Tensor.of(values, spec.shape()));
            }
            into.put(spec.name(), t);
        }
    }

    /** JavaScript's Math.round (halves up) of a dequantized int32, which must fit an int32. */
    private static int rounded(Spec spec, int q) {
        double v = Math.floor(q * spec.scale() + spec.min() + 0.5);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ManifestException("weight '" + StrictJson.shorten(spec.name()) + "' dequantizes to " + v
                    + ", outside int32");
        }
        return (int) v;
    }
}
