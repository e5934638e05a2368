package org.dicface.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.dicface.io.SafeTensors;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.torch.DType;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Mutated checkpoints made from small seeds: safetensors written by the project's own writer (a handful of
 * tensors of every dtype, and a small DicFace with its configuration in the metadata), and .pth files saved
 * by PyTorch (test resources, with a legacy one). Each case says whether it is invalid by construction (the
 * format forbids it, so a strict reader must refuse it), valid by construction (it must be accepted), or
 * unknown (only crashes, hangs and raw exceptions are judged).
 */
final class Mutator {
    enum Validity { INVALID, VALID, UNKNOWN }

    record Case(String kind, String extension, byte[] bytes, Validity validity) {
    }

    /** Numbers at and around the int64 (and uint64) limits. */
    static final BigInteger[] LIMITS = {
        BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
        BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE),
        BigInteger.TWO.pow(64).subtract(BigInteger.ONE), BigInteger.TWO.pow(64), BigInteger.TWO.pow(62),
        BigInteger.TWO.pow(32), BigInteger.TWO.pow(31), BigInteger.TWO.pow(31).subtract(BigInteger.ONE),
        BigInteger.valueOf(Long.MAX_VALUE / 4 + 1), BigInteger.valueOf(-1)};

    /** The small DicFace whose weights the model seed holds (its channels are the GroupNorm minimum). */
    static DicFaceConfig modelConfig() {
        return DicFaceConfig.standard(16, 32, List.of(1, 1, 1), 1, List.of(), 8, 32, 8, 1, 1, 8, 1, List.of(8));
    }

    /** A parsed safetensors seed: its header, in order, and its data. */
    private record StSeed(String name, JsonObject header, byte[] data) {
    }

    private record PthSeed(String name, byte[] original, List<Zips.Entry> entries) {
        int entry(String suffix) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).name().endsWith(suffix)) {
                    return i;
                }
            }
            throw new IllegalStateException(suffix);
        }

        List<Integer> storages() {
            List<Integer> r = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).name().contains("/data/") && entries.get(i).content().length > 0) {
                    r.add(i);
                }
            }
            return r;
        }
    }

    private final List<StSeed> stSeeds = new ArrayList<>();
    private final List<PthSeed> pthSeeds = new ArrayList<>();
    private final byte[] legacy;

    Mutator(Path work) throws IOException {
        Path small = work.resolve("seed-small.safetensors");
        Path model = work.resolve("seed-model.safetensors");
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("f32", Tensor.of(new float[] {1, -2, 3.5f, 4, 5, 6}, 2, 3));
            t.put("f16", Tensor.of(new float[] {1, 2, 3, 4}, 4).to(DType.FLOAT16));
            t.put("bf16", Tensor.of(new float[] {0.5f, 8}, 2).to(DType.BFLOAT16));
            t.put("i64", Tensor.of(new long[] {1, 1L << 40, -3}, 3));
            t.put("i32", Tensor.of(new int[] {1, 2, 3, 4}, 2, 2));
            t.put("u8", Tensor.of(new float[] {0, 1, 2, 250, 255}, 5).to(DType.UINT8));
            t.put("i8", Tensor.of(new float[] {-1, 1}, 2).to(DType.INT8));
            t.put("i16", Tensor.of(new float[] {-300, 300}, 2).to(DType.INT16));
            t.put("mask", Tensor.of(new float[] {1, 0, 1}, 3).to(DType.BOOL));
            t.put("f64", Tensor.of(new double[] {2.25}));
            t.put("empty", Tensor.zeros(0, 3));
            SafeTensors.write(small, t, Map.of("format", "pt", "note", "fuzz seed"));
            try (DicFace m = new DicFace(modelConfig())) {
                SafeTensors.write(model, m.namedParameters(), Map.of("format", "pt", "config", modelConfig().toJson()));
            }
        }
        stSeeds.add(parse(small));
        stSeeds.add(parse(model));
        for (String name : List.of("state-dict.pth", "official-layout.pth")) {
            Path p = work.resolve(name);
            try (InputStream in = Mutator.class.getResourceAsStream(name)) {
                Files.write(p, in.readAllBytes());
            }
            pthSeeds.add(new PthSeed(name, Files.readAllBytes(p), Zips.read(p)));
        }
        try (InputStream in = Mutator.class.getResourceAsStream("legacy.pth")) {
            legacy = in.readAllBytes();
        }
    }

    private static StSeed parse(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int n = (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonObject header = JsonParser.parseString(new String(all, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
        byte[] data = java.util.Arrays.copyOfRange(all, 8 + n, all.length);
        return new StSeed(file.getFileName().toString(), header, data);
    }

    Case next(Random r) {
        return r.nextInt(100) < 55 ? safetensors(r) : pth(r);
    }

    // ---- safetensors ----

    /** The header as editable text pieces: each tensor's dtype, shape and offsets literals. */
    private static final class Text {
        final List<String> names = new ArrayList<>();
        final List<String> dtypes = new ArrayList<>();
        final List<List<String>> shapes = new ArrayList<>();
        final List<List<String>> offsets = new ArrayList<>();
        final Map<String, String> metadata = new LinkedHashMap<>();   // literal key -> literal value
        String metadataLiteral;   // replaces the whole metadata object when set

        Text(JsonObject header) {
            for (var e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().getAsJsonObject().entrySet().forEach(m -> metadata.put(quote(m.getKey()), m.getValue().toString()));
                    continue;
                }
                JsonObject o = e.getValue().getAsJsonObject();
                names.add(quote(e.getKey()));
                dtypes.add(o.get("dtype").toString());
                List<String> shape = new ArrayList<>();
                o.getAsJsonArray("shape").forEach(x -> shape.add(x.toString()));
                shapes.add(shape);
                List<String> off = new ArrayList<>();
                o.getAsJsonArray("data_offsets").forEach(x -> off.add(x.toString()));
                offsets.add(off);
            }
        }

        String json() {
            StringBuilder sb = new StringBuilder("{");
            if (metadataLiteral != null || !metadata.isEmpty()) {
                sb.append("\"__metadata__\":");
                if (metadataLiteral != null) {
                    sb.append(metadataLiteral);
                } else {
                    sb.append('{');
                    metadata.forEach((k, v) -> sb.append(k).append(':').append(v).append(','));
                    sb.setLength(sb.length() - 1);
                    sb.append('}');
                }
                sb.append(',');
            }
            for (int i = 0; i < names.size(); i++) {
                sb.append(names.get(i)).append(":{\"dtype\":").append(dtypes.get(i)).append(",\"shape\":[")
                        .append(String.join(",", shapes.get(i))).append("],\"data_offsets\":[")
                        .append(String.join(",", offsets.get(i))).append("]},");
            }
            sb.setLength(sb.length() - 1);
            return sb.append('}').toString();
        }

        long bytes(int i) {
            return Long.parseLong(offsets.get(i).get(1)) - Long.parseLong(offsets.get(i).get(0));
        }
    }

    private static String quote(String s) {
        return new JsonPrimitive(s).toString();
    }

    private static byte[] file(byte[] header, long declaredLength, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(declaredLength).put(header).put(data).array();
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h, h.length, data);
    }

    private static int elementSize(String dtypeLiteral) {
        return switch (dtypeLiteral) {
            case "\"F64\"", "\"I64\"", "\"U64\"" -> 8;
            case "\"F32\"", "\"I32\"", "\"U32\"" -> 4;
            case "\"F16\"", "\"BF16\"", "\"I16\"", "\"U16\"" -> 2;
            case "\"U8\"", "\"I8\"", "\"BOOL\"", "\"F8_E4M3\"", "\"F8_E5M2\"" -> 1;
            default -> -1;
        };
    }

    /** VALID when the shape literals are exact integers whose product x element size is the byte length. */
    private static Validity shapeValidity(Text t, int i) {
        BigInteger product = BigInteger.ONE;
        for (String d : t.shapes.get(i)) {
            if (!d.matches("-?0|[1-9][0-9]*")) {   // -0 is the integer 0
                return Validity.INVALID;
            }
            BigInteger v = new BigInteger(d);
            if (v.bitLength() > 63) {
                return Validity.INVALID;
            }
            product = product.multiply(v);
        }
        return product.multiply(BigInteger.valueOf(elementSize(t.dtypes.get(i)))).equals(BigInteger.valueOf(t.bytes(i)))
                ? Validity.UNKNOWN : Validity.INVALID;
    }

    private Case safetensors(Random r) {
        StSeed seed = stSeeds.get(r.nextInt(100) < 85 ? 0 : 1);
        String ext = ".safetensors";
        Text t = new Text(seed.header());
        String json = t.json();
        byte[] valid = file(json, seed.data());
        int headerEnd = 8 + json.getBytes(StandardCharsets.UTF_8).length;
        int tensor = r.nextInt(t.names.size());
        int op = r.nextInt(22);
        switch (op) {
            case 0 -> {   // bit flips anywhere: nothing is known; in the data only: still a valid file
                byte[] b = valid.clone();
                int flips = 1 + r.nextInt(8);
                boolean dataOnly = r.nextBoolean() && valid.length > headerEnd;
                for (int i = 0; i < flips; i++) {
                    int at = dataOnly ? headerEnd + r.nextInt(valid.length - headerEnd) : r.nextInt(b.length);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return new Case("st-bitflip" + (dataOnly ? "-data" : ""), ext, b, dataOnly ? Validity.VALID : Validity.UNKNOWN);
            }
            case 1 -> {
                return new Case("st-truncate", ext, java.util.Arrays.copyOf(valid, r.nextInt(valid.length)), Validity.INVALID);
            }
            case 2 -> {
                byte[] b = java.util.Arrays.copyOf(valid, valid.length + 1 + r.nextInt(16));
                return new Case("st-append", ext, b, Validity.INVALID);
            }
            case 3 -> {   // header length off by a little: shifts every tensor
                byte[] h = json.getBytes(StandardCharsets.UTF_8);
                int delta = (1 + r.nextInt(8)) * (r.nextBoolean() ? 1 : -1);
                return new Case("st-header-length", ext, file(h, h.length + delta, seed.data()), Validity.INVALID);
            }
            case 4 -> {
                byte[] h = json.getBytes(StandardCharsets.UTF_8);
                long v = LIMITS[r.nextInt(LIMITS.length)].longValue();
                return new Case("st-header-length-limit", ext, file(h, v, seed.data()), Validity.INVALID);
            }
            case 5 -> {   // a shape number: fractions, signs, exponents, beyond 64 bits, or just another size
                List<String> shape = t.shapes.get(tensor);
                if (shape.isEmpty()) {
                    shape.add(pick(r, "1", "2", "0", "1.0", "-1"));
                } else {
                    int d = r.nextInt(shape.size());
                    BigInteger v = new BigInteger(shape.get(d));
                    shape.set(d, pick(r, v + ".9", v + ".0", "-" + v, v.add(BigInteger.TWO.pow(64)).toString(), v + "e0",
                            "0" + v, "+" + v, LIMITS[r.nextInt(LIMITS.length)].toString(), v.multiply(BigInteger.TWO).toString(),
                            v.add(BigInteger.ONE).toString(), "NaN", "Infinity", "null", "\"" + v + "\"", "true"));
                }
                return new Case("st-shape", ext, file(t.json(), seed.data()), shapeValidity(t, tensor));
            }
            case 6 -> {   // an offset: any change of one offset breaks length or contiguity
                List<String> off = t.offsets.get(tensor);
                int k = r.nextInt(2);
                BigInteger v = new BigInteger(off.get(k));
                String lit = pick(r, v.add(BigInteger.ONE).toString(), v.subtract(BigInteger.ONE).toString(), v + ".5", v + ".0",
                        v.add(BigInteger.TWO.pow(64)).toString(), LIMITS[r.nextInt(LIMITS.length)].toString(), "-" + v.add(BigInteger.ONE),
                        "\"" + v + "\"", v + "e0");
                off.set(k, lit);
                return new Case("st-offset", ext, file(t.json(), seed.data()), Validity.INVALID);
            }
            case 7 -> {   // the offsets of one tensor made another's (overlap, and a hole)
                int other = r.nextInt(t.names.size());
                if (other == tensor || t.bytes(other) == 0 || t.bytes(tensor) == 0) {
                    return new Case("st-control", ext, valid, Validity.VALID);
                }
                t.offsets.set(tensor, new ArrayList<>(t.offsets.get(other)));
                return new Case("st-overlap", ext, file(t.json(), seed.data()), Validity.INVALID);
            }
            case 8 -> {   // dtype: unknown, or known of another size
                String lit = pick(r, "\"F32\"", "\"F16\"", "\"I64\"", "\"U8\"", "\"BF16\"", "\"F64\"", "\"I32\"", "\"f32\"", "\"\"",
                        "\"Q7\"", "\"U16\"", "\"F8_E4M3\"", "32", "null", "[\"F32\"]");
                boolean sameSize = elementSize(lit) == elementSize(t.dtypes.get(tensor)) && !lit.matches("\"(U16|U32|U64|F8.*)\"");
                boolean empty = t.bytes(tensor) == 0;
                t.dtypes.set(tensor, lit);
                Validity v = elementSize(lit) < 0 || lit.matches("\"(U16|U32|U64|F8.*)\"") ? Validity.INVALID
                        : sameSize || empty ? Validity.UNKNOWN : Validity.INVALID;
                return new Case("st-dtype", ext, file(t.json(), seed.data()), v);
            }
            case 9 -> {   // lenient JSON that the format forbids
                String edited = switch (r.nextInt(9)) {
                    case 0 -> "{/* c */" + json.substring(1);
                    case 1 -> json.replaceFirst("\"dtype\"", "dtype");
                    case 2 -> json.substring(0, json.length() - 1) + "," + t.names.get(tensor) + ":{\"dtype\":\"F32\",\"shape\":[0],"
                            + "\"data_offsets\":[0,0]}}";
                    case 3 -> json.substring(0, json.length() - 1) + ",}";
                    case 4 -> json.replaceFirst("\"dtype\"", "'dtype'");
                    case 5 -> json + "{}";
                    case 6 -> " " + json;
                    case 7 -> "[" + json + "]";
                    default -> json.replaceFirst(",\"shape\"", "\n// x\n,\"shape\"");
                };
                return new Case("st-lenient-json", ext, file(edited, seed.data()), Validity.INVALID);
            }
            case 10 -> {   // an invalid UTF-8 sequence inside a name
                String lit = t.names.get(tensor);
                String marked = json.replace(lit + ":{", lit.substring(0, lit.length() - 1) + "@@\":{");
                byte[] m = marked.getBytes(StandardCharsets.UTF_8);
                byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf},
                    {(byte) 0xe2, (byte) 0x82}};
                byte[] h = replaceBytes(m, "@@".getBytes(StandardCharsets.US_ASCII), bad[r.nextInt(bad.length)]);
                return new Case("st-utf8", ext, file(h, h.length, seed.data()), Validity.INVALID);
            }
            case 11 -> {   // metadata of the wrong type
                if (r.nextBoolean() || t.metadata.isEmpty()) {
                    t.metadataLiteral = pick(r, "\"x\"", "1", "null", "[]", "[\"a\"]", "{\"a\":1}", "{\"a\":null}", "{\"a\":{}}");
                } else {
                    String key = t.metadata.keySet().iterator().next();
                    t.metadata.put(key, pick(r, "1", "null", "true", "[]", "{}", "1.5"));
                }
                return new Case("st-metadata-type", ext, file(t.json(), seed.data()), Validity.INVALID);
            }
            case 12 -> {   // a field missing
                String field = pick(r, "\"dtype\":" + t.dtypes.get(tensor) + ",", ",\"data_offsets\":[" + String.join(",", t.offsets.get(tensor)) + "]");
                String edited = json.replace(t.names.get(tensor) + ":{\"dtype\":" + t.dtypes.get(tensor) + ",\"shape\":[" + String.join(",", t.shapes.get(tensor))
                        + "],\"data_offsets\":[" + String.join(",", t.offsets.get(tensor)) + "]}",
                        (t.names.get(tensor) + ":{\"dtype\":" + t.dtypes.get(tensor) + ",\"shape\":[" + String.join(",", t.shapes.get(tensor))
                        + "],\"data_offsets\":[" + String.join(",", t.offsets.get(tensor)) + "]}").replace(field, ""));
                return new Case("st-missing-field", ext, file(edited, seed.data()), edited.equals(json) ? Validity.VALID : Validity.INVALID);
            }
            case 13 -> {   // deep nesting where a tensor belongs
                int depth = pick(r, 100, 10_000, 200_000);
                String deep = "[".repeat(depth) + "]".repeat(depth);
                String edited = json.substring(0, json.length() - 1) + ",\"deep\":" + deep + "}";
                return new Case("st-deep", ext, file(edited, seed.data()), Validity.INVALID);
            }
            case 14 -> {   // control: the same content, tensors in another order, header padded with spaces
                java.util.Collections.swap(t.names, 0, t.names.size() - 1);
                java.util.Collections.swap(t.dtypes, 0, t.names.size() - 1);
                java.util.Collections.swap(t.shapes, 0, t.names.size() - 1);
                java.util.Collections.swap(t.offsets, 0, t.names.size() - 1);
                return new Case("st-control", ext, file(t.json() + " ".repeat(r.nextInt(9)), seed.data()), Validity.VALID);
            }
            case 15, 16 -> {   // the stored configuration, edited (model seed only)
                String config = t.metadata.get("\"config\"");
                if (config == null) {
                    return new Case("st-control", ext, valid, Validity.VALID);
                }
                JsonObject c = JsonParser.parseString(JsonParser.parseString(config).getAsString()).getAsJsonObject();
                List<String> fields = List.of("img_size", "nf", "res_blocks", "codebook_size", "codebook_dim", "dim_embed", "n_head",
                        "n_layers", "dim_mlp", "frame_length");
                String field = fields.get(r.nextInt(fields.size()));
                Validity v;
                String text = c.toString();
                String lit;
                if (op == 15) {   // huge: beyond every limit (and, at 4096 and up, a model that would not fit memory)
                    lit = pick(r, "4096", "65536", "2097152", "2147483647", "2147483648", "9223372036854775807", "-1", "0", "4.9",
                            "1e9", "\"32\"", "null");
                    // within the limits: 4096 for sizes allowed that large, 65536 for the codebook and MLP widths
                    boolean allowed = lit.equals("4096") && List.of("img_size", "dim_embed", "codebook_dim", "dim_mlp", "codebook_size")
                            .contains(field) || lit.equals("65536") && List.of("dim_mlp", "codebook_size").contains(field);
                    v = allowed ? Validity.UNKNOWN : Validity.INVALID;
                } else {
                    lit = Integer.toString(1 + r.nextInt(64));
                    v = Validity.UNKNOWN;
                }
                text = text.replaceFirst("\"" + field + "\":[^,}]+", java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + lit));
                t.metadata.put("\"config\"", quote(text));
                return new Case("st-config", ext, file(t.json(), seed.data()), v);
            }
            case 17 -> {   // a raw byte of the header replaced (syntax damage of any kind)
                byte[] b = valid.clone();
                if (headerEnd > 8) {
                    String chars = "{}\",:[]\\\0\nx9-. ";
                    b[8 + r.nextInt(headerEnd - 8)] = (byte) chars.charAt(r.nextInt(chars.length()));
                }
                return new Case("st-header-byte", ext, b, Validity.UNKNOWN);
            }
            case 18 -> {   // a control character inside a string (strict JSON forbids it)
                String edited = json.replaceFirst("\"dtype\"", "\"dty\u0001pe\"");
                return new Case("st-control-char", ext, file(edited, seed.data()), Validity.INVALID);
            }
            case 19 -> {   // a header claimed longer than the 100 MB limit, the file being short
                byte[] h = json.getBytes(StandardCharsets.UTF_8);
                return new Case("st-header-huge", ext, file(h, 100_000_001L + r.nextInt(1 << 20), seed.data()), Validity.INVALID);
            }
            default -> {
                return new Case("st-control", ext, valid, Validity.VALID);
            }
        }
    }

    private static byte[] replaceBytes(byte[] in, byte[] what, byte[] with) {
        for (int i = 0; i + what.length <= in.length; i++) {
            if (java.util.Arrays.equals(in, i, i + what.length, what, 0, what.length)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(in, 0, i);
                out.writeBytes(with);
                out.write(in, i + what.length, in.length - i - what.length);
                return out.toByteArray();
            }
        }
        throw new IllegalStateException("marker not found");
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    // ---- .pth ----

    private Case pth(Random r) {
        String ext = ".pth";
        if (r.nextInt(20) == 0) {   // the legacy format, as is or damaged: always refused with the fix
            byte[] b = legacy.clone();
            if (r.nextBoolean()) {
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            return new Case("pth-legacy", ext, b, Validity.INVALID);
        }
        PthSeed seed = pthSeeds.get(r.nextInt(pthSeeds.size()));
        List<Zips.Entry> entries = new ArrayList<>(seed.entries());
        int pkl = seed.entry("data.pkl");
        byte[] pickle = entries.get(pkl).content();
        List<Pickles.Op> ops = Pickles.ops(pickle);
        List<Integer> storages = seed.storages();
        int op = r.nextInt(20);
        switch (op) {
            case 0 -> {
                byte[] b = seed.original().clone();
                for (int i = 1 + r.nextInt(8); i > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return new Case("pth-bitflip", ext, b, Validity.UNKNOWN);
            }
            case 1 -> {   // flips inside what the reader reads (pickle, storages): the CRC no longer matches
                byte[] b = Zips.write(entries);
                List<long[]> ranges = Zips.dataRanges(entries);
                List<Integer> read = new ArrayList<>(storages);
                read.add(pkl);
                long[] range = ranges.get(read.get(r.nextInt(read.size())));
                int at = (int) (range[0] + r.nextInt((int) (range[1] - range[0])));
                b[at] ^= (byte) (1 << r.nextInt(8));
                return new Case("pth-bitflip-crc", ext, b, Validity.INVALID);
            }
            case 2 -> {
                return new Case("pth-truncate", ext, java.util.Arrays.copyOf(seed.original(), r.nextInt(seed.original().length)),
                        Validity.INVALID);
            }
            case 3 -> {   // a storage offset beyond any storage, or negative, at the int64 limits
                List<Integer> offs = Pickles.offsetOps(ops);
                Pickles.Op target = ops.get(offs.get(r.nextInt(offs.size())));
                BigInteger v = pick(r, BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MAX_VALUE - 1), BigInteger.TWO.pow(62),
                        BigInteger.TWO.pow(40), BigInteger.valueOf(1 << 20), BigInteger.valueOf(-1), BigInteger.valueOf(Long.MIN_VALUE),
                        BigInteger.valueOf(Long.MAX_VALUE / 4 + 1));
                return rezip("pth-offset", entries, pkl, Pickles.replace(pickle, target, Pickles.long1(v)), Validity.INVALID);
            }
            case 4 -> {   // a size beyond its storage
                List<Integer> offs = Pickles.offsetOps(ops);
                int size = Pickles.firstSizeOp(ops, offs.get(r.nextInt(offs.size())));
                if (size < 0) {
                    return rezip("pth-control", entries, pkl, pickle, Validity.VALID);
                }
                BigInteger v = pick(r, BigInteger.valueOf(Long.MAX_VALUE), BigInteger.TWO.pow(62), BigInteger.TWO.pow(32),
                        BigInteger.valueOf(1 << 20), BigInteger.valueOf(-1), BigInteger.valueOf(Long.MAX_VALUE / 2 + 1));
                return rezip("pth-size", entries, pkl, Pickles.replace(pickle, ops.get(size), Pickles.long1(v)), Validity.INVALID);
            }
            case 5, 6 -> {   // any integer (offsets, sizes, strides, numels, versions) set to a limit value
                List<Pickles.Op> ints = ops.stream().filter(Pickles.Op::isInt).toList();
                Pickles.Op target = ints.get(r.nextInt(ints.size()));
                return rezip("pth-int", entries, pkl, Pickles.replace(pickle, target, Pickles.long1(LIMITS[r.nextInt(LIMITS.length)])),
                        Validity.UNKNOWN);
            }
            case 7 -> {   // a storage's element count that its entry does not hold
                List<Integer> numels = Pickles.numelOps(ops);
                Pickles.Op target = ops.get(numels.get(r.nextInt(numels.size())));
                BigInteger v = pick(r, BigInteger.valueOf(Long.MAX_VALUE), BigInteger.TWO.pow(61), BigInteger.valueOf(-1),
                        BigInteger.valueOf(1 << 24), BigInteger.valueOf(Long.MAX_VALUE / 2 + 1));
                return rezip("pth-numel", entries, pkl, Pickles.replace(pickle, target, Pickles.long1(v)), Validity.INVALID);
            }
            case 8 -> {   // a global that would run code
                Pickles.Op g = ops.stream().filter(o -> o.code() == 'c').findFirst().orElseThrow();
                byte[] evil = pick(r, "cposix\nsystem\n", "cbuiltins\neval\n", "ctorch\nload\n", "c__builtin__\nexec\n")
                        .getBytes(StandardCharsets.US_ASCII);
                return rezip("pth-global", entries, pkl, Pickles.replace(pickle, g, evil), Validity.INVALID);
            }
            case 9 -> {   // a string claiming a huge length (BINUNICODE8)
                Pickles.Op s = ops.stream().filter(o -> o.code() == 'X').findFirst().orElseThrow();
                ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 0x8d).putLong(pick(r, Long.MAX_VALUE, 1L << 31, (1L << 32) + 5, -1L));
                return rezip("pth-string-length", entries, pkl, Pickles.replace(pickle, s, b.array()), Validity.INVALID);
            }
            case 10 -> {
                return rezip("pth-pickle-truncate", entries, pkl, java.util.Arrays.copyOf(pickle, r.nextInt(pickle.length)),
                        Validity.INVALID);
            }
            case 11 -> {   // pickle bytes damaged (the CRC made to match)
                byte[] p = pickle.clone();
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    p[r.nextInt(p.length)] = (byte) r.nextInt(256);
                }
                return rezip("pth-pickle-bytes", entries, pkl, p, Validity.UNKNOWN);
            }
            case 12 -> {   // hostile structures: shared graphs, cycles, deep nesting, stack bombs, odd keys
                int kind = r.nextInt(10);
                byte[] p = switch (kind) {
                    case 0 -> Pickles.sharedKey(60);
                    case 1 -> Pickles.sharedValue(60);
                    case 2 -> Pickles.sharedRefusal(60);
                    case 3 -> Pickles.cyclic();
                    case 4 -> Pickles.deep(100_000);
                    case 5 -> Pickles.deep(150);
                    case 6 -> Pickles.stackBomb(1_200_000);
                    case 7 -> Pickles.tupleKey();
                    case 8 -> Pickles.hugeString(Long.MAX_VALUE);
                    default -> Pickles.hugeString((1L << 31) + 5);
                };
                return rezip("pth-structure-" + kind, entries, pkl, p, Validity.INVALID);
            }
            case 13 -> {   // a zip bomb: data.pkl inflates far beyond its declared size
                Zips.Entry e = entries.get(pkl);
                byte[] bomb = java.util.Arrays.copyOf(e.content(), e.content().length + (4 << 20));
                entries.set(pkl, e.withContent(bomb).deflated(e.content().length, e.crc()));
                return new Case("pth-bomb-pickle", ext, Zips.write(entries), Validity.INVALID);
            }
            case 14 -> {   // a storage that inflates beyond its declared size, or declares what it cannot hold
                int s = storages.get(r.nextInt(storages.size()));
                Zips.Entry e = entries.get(s);
                if (r.nextBoolean()) {
                    byte[] bomb = java.util.Arrays.copyOf(e.content(), e.content().length + (4 << 20));
                    entries.set(s, e.withContent(bomb).deflated(e.content().length, e.crc()));
                } else {
                    entries.set(s, new Zips.Entry(e.name(), e.content(), false, pick(r, 1L << 31, 0xffffffffL, e.content().length + 8L),
                            e.crc(), e.stored()));
                }
                return new Case("pth-bomb-storage", ext, Zips.write(entries), Validity.INVALID);
            }
            case 15 -> {
                int s = r.nextBoolean() ? pkl : storages.get(r.nextInt(storages.size()));
                entries.set(s, entries.get(s).withCrc(entries.get(s).crc() ^ (1L << r.nextInt(32))));
                return new Case("pth-crc", ext, Zips.write(entries), Validity.INVALID);
            }
            case 16 -> {
                if (r.nextBoolean()) {
                    entries.remove((int) storages.get(r.nextInt(storages.size())));
                } else {
                    Zips.Entry e = entries.get(pkl);
                    entries.set(pkl, new Zips.Entry(e.name().replace("data.pkl", "data.pk"), e.content(), false, e.declaredSize(),
                            e.crc(), e.stored()));
                }
                return new Case("pth-entry-missing", ext, Zips.write(entries), Validity.INVALID);
            }
            case 17 -> {   // control: every entry deflated honestly
                entries.replaceAll(e -> e.deflated(e.content().length, e.crc()));
                return new Case("pth-control-deflated", ext, Zips.write(entries), Validity.VALID);
            }
            case 18 -> {
                return new Case("pth-control", ext, seed.original(), Validity.VALID);
            }
            default -> {
                return rezip("pth-control", entries, pkl, pickle, Validity.VALID);
            }
        }
    }

    private static Case rezip(String kind, List<Zips.Entry> entries, int pkl, byte[] pickle, Validity v) {
        List<Zips.Entry> e = new ArrayList<>(entries);
        e.set(pkl, e.get(pkl).withContent(pickle));
        return new Case(kind, ".pth", Zips.write(e), v);
    }
}
