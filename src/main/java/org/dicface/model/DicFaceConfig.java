package org.dicface.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.dicface.io.StrictJson;

/**
 * The hyperparameters of a DicFace network; every size in the network follows from them. Names are those
 * of the official code and of the fixture's config.json, which this class reads and writes.
 *
 * @param imgSize          input frames are imgSize x imgSize
 * @param nf               base channel count of encoder and generator
 * @param chMult           channel multiplier per resolution level (level l has resolution imgSize >> l)
 * @param resBlocks        ResBlocks per level
 * @param attnResolutions  resolutions at which AttnBlocks follow the ResBlocks
 * @param codebookSize     N, entries of the codebook
 * @param codebookDim      d, width of a codebook entry (= encoder output channels)
 * @param dimEmbed         transformer width
 * @param nHead            attention heads
 * @param nLayers          spatial layers (and as many temporal layers, interleaved)
 * @param dimMlp           transformer feed-forward width
 * @param frameLength      frames per temporal group
 * @param connectList      resolutions at which encoder features are fused into the generator
 * @param fuseEncoderBlock encoder block index whose output is the skip feature, per resolution
 * @param fuseGeneratorBlock generator block index after which the fusion runs, per resolution
 */
public record DicFaceConfig(int imgSize, int nf, List<Integer> chMult, int resBlocks, List<Integer> attnResolutions,
        int codebookSize, int codebookDim, int dimEmbed, int nHead, int nLayers, int dimMlp, int frameLength,
        List<Integer> connectList, Map<Integer, Integer> fuseEncoderBlock, Map<Integer, Integer> fuseGeneratorBlock) {

    public static final double GROUP_NORM_EPS = 1e-6;
    public static final double LAYER_NORM_EPS = 1e-5;
    /** alpha = softplus(logits) + ALPHA_OFFSET. */
    public static final double ALPHA_OFFSET = 0.01;

    public DicFaceConfig {
        chMult = List.copyOf(chMult);
        attnResolutions = List.copyOf(attnResolutions);
        connectList = List.copyOf(connectList);
        fuseEncoderBlock = Map.copyOf(fuseEncoderBlock);
        fuseGeneratorBlock = Map.copyOf(fuseGeneratorBlock);
        checkLimits(imgSize, nf, chMult, resBlocks, attnResolutions, codebookSize, codebookDim, dimEmbed, nHead, nLayers,
                dimMlp, frameLength, connectList);
        for (Map<Integer, Integer> m : List.of(fuseEncoderBlock, fuseGeneratorBlock)) {
            if (m.size() > MAX_LEVELS) {
                throw new IllegalArgumentException("fuse block maps hold at most " + MAX_LEVELS + " resolutions");
            }
        }
        validate(imgSize, nf, chMult, codebookDim, dimEmbed, nHead, connectList, fuseEncoderBlock, fuseGeneratorBlock);
        BlockPlan plan = new BlockPlan(imgSize, nf, chMult, resBlocks, attnResolutions, codebookDim);
        int latent = imgSize >> (chMult.size() - 1);
        for (int r : List.of(latent * 4, latent * 2)) {
            if (!fuseEncoderBlock.containsKey(r)) {
                throw new IllegalArgumentException("fuse_encoder_block has no block for resolution " + r
                        + " (MultiScaleFuse taps latent x4 and x2)");
            }
        }
        List<Integer> taps = new ArrayList<>(connectList);
        taps.addAll(List.of(latent * 4, latent * 2));
        blockIndices("fuse_encoder_block", fuseEncoderBlock, taps, plan.encoder().size());
        blockIndices("fuse_generator_block", fuseGeneratorBlock, connectList, plan.generator().size());
        double params = estimatedParameters(imgSize, nf, chMult, resBlocks, attnResolutions, codebookSize, codebookDim,
                dimEmbed, nLayers, dimMlp, connectList);
        if (params > MAX_PARAMETERS) {
            throw new IllegalArgumentException(String.format("the configuration describes a network of about %.3g "
                    + "parameters, more than the %.3g this program builds (the official DicFace has 1.16e+08)",
                    params, (double) MAX_PARAMETERS));
        }
    }

    /** Largest network built (about 4x the official one): a configuration read from a file cannot exhaust memory. */
    public static final long MAX_PARAMETERS = 500_000_000L;
    private static final int MAX_LEVELS = 10;

    /**
     * Sane ranges for each field, checked before anything is computed or allocated from them (a configuration
     * may come from a file, and is hostile until checked).
     */
    private static void checkLimits(int imgSize, int nf, List<Integer> chMult, int resBlocks, List<Integer> attn,
            int codebookSize, int codebookDim, int dimEmbed, int nHead, int nLayers, int dimMlp, int frameLength,
            List<Integer> connectList) {
        range("img_size", imgSize, 8, 4096);
        range("nf", nf, 1, 1024);
        if (chMult.size() > MAX_LEVELS) {
            throw new IllegalArgumentException("ch_mult has " + chMult.size() + " levels, at most " + MAX_LEVELS + " are supported");
        }
        for (int m : chMult) {
            range("a ch_mult entry", m, 1, 64);
            range("nf x ch_mult (channels of a level)", nf * m, 1, 8192);
        }
        range("res_blocks", resBlocks, 1, 16);
        range("the number of attn_resolutions", attn.size(), 0, MAX_LEVELS);
        range("codebook_size", codebookSize, 2, 1 << 20);
        range("codebook_dim", codebookDim, 32, 8192);
        range("dim_embed", dimEmbed, 1, 8192);
        range("n_head", nHead, 1, 256);
        range("n_layers", nLayers, 1, 128);
        range("dim_mlp", dimMlp, 1, 65536);
        range("frame_length", frameLength, 1, 256);
        range("the number of connect_list resolutions", connectList.size(), 0, MAX_LEVELS);
    }

    /** The block indices that are used (other entries, such as the official -1 placeholders, are not). */
    private static void blockIndices(String name, Map<Integer, Integer> blocks, List<Integer> used, int count) {
        blocks.forEach((resolution, index) -> {
            if (used.contains(resolution) && (index < 0 || index >= count)) {
                throw new IllegalArgumentException(name + " names block " + index + " at resolution " + resolution
                        + ", but the network has blocks 0 to " + (count - 1));
            }
        });
    }

    private static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " is " + value + ", outside the supported range [" + min + ", " + max + "]");
        }
    }

    /** About how many parameters the network has (within a few percent; what the limit is checked against). */
    public double estimatedParameters() {
        return estimatedParameters(imgSize, nf, chMult, resBlocks, attnResolutions, codebookSize, codebookDim, dimEmbed,
                nLayers, dimMlp, connectList);
    }

    /** Parameters of the network, counted from the block plan (weights of convolutions and linear layers). */
    private static double estimatedParameters(int imgSize, int nf, List<Integer> chMult, int resBlocks, List<Integer> attn,
            int codebookSize, int codebookDim, int dimEmbed, int nLayers, int dimMlp, List<Integer> connectList) {
        BlockPlan plan = new BlockPlan(imgSize, nf, chMult, resBlocks, attn, codebookDim);
        double p = 0;
        for (BlockPlan.Block b : plan.encoder()) {
            p += blockParameters(b);
        }
        for (BlockPlan.Block b : plan.generator()) {
            p += blockParameters(b);
        }
        double e = dimEmbed;
        double d = codebookDim;
        // transformer (spatial and temporal layers), feat_emb, Dirichlet head, codebook
        p += 2.0 * nLayers * (4 * e * e + 2 * e * dimMlp) + d * e + e * codebookSize + (double) codebookSize * d;
        // MultiScaleFuse: 1x1 convs of the pixel-unshuffled taps (latent x4, x2) and of z, 3x3 conv of the concat
        int latent = imgSize >> (chMult.size() - 1);
        p += 16 * channels(imgSize, nf, chMult, latent * 4) * d + 4 * channels(imgSize, nf, chMult, latent * 2) * d + 28 * d * d;
        // a fusion block per connect_list resolution: a ResBlock(2c, c) and two 3x3 conv pairs
        for (int r : connectList) {
            double c = channels(imgSize, nf, chMult, r);
            p += 65 * c * c;
        }
        return p;
    }

    private static double channels(int imgSize, int nf, List<Integer> chMult, int resolution) {
        for (int level = 0; level < chMult.size(); level++) {
            if (imgSize >> level == resolution) {
                return (double) nf * chMult.get(level);
            }
        }
        return 0;
    }

    private static double blockParameters(BlockPlan.Block b) {
        double in = b.in();
        double out = b.out();
        return switch (b.kind()) {
            case CONV, DOWN, UP -> 9 * in * out;
            case RES -> 9 * in * out + 9 * out * out + (in != out ? in * out : 0);
            case ATTN -> 4 * in * in;
            case NORM -> 2 * in;
        };
    }

    private static void validate(int imgSize, int nf, List<Integer> chMult, int codebookDim, int dimEmbed, int nHead,
            List<Integer> connectList, Map<Integer, Integer> enc, Map<Integer, Integer> gen) {
        int levels = chMult.size();
        if (levels < 3) {
            throw new IllegalArgumentException("ch_mult needs at least 3 levels (MultiScaleFuse taps latent x4 and x2)");
        }
        if (imgSize % (1 << (levels - 1)) != 0) {
            throw new IllegalArgumentException("img_size " + imgSize + " is not divisible by 2^" + (levels - 1));
        }
        if (dimEmbed % nHead != 0) {
            throw new IllegalArgumentException("dim_embed " + dimEmbed + " is not divisible by n_head " + nHead);
        }
        for (int m : chMult) {
            if (m * nf % 32 != 0) {
                throw new IllegalArgumentException("nf x ch_mult = " + m * nf + " channels is not a multiple of 32 (GroupNorm groups)");
            }
        }
        if (codebookDim % 32 != 0) {
            throw new IllegalArgumentException("codebook_dim " + codebookDim + " must be a multiple of 32 (GroupNorm groups)");
        }
        for (int r : connectList) {
            if (!enc.containsKey(r) || !gen.containsKey(r)) {
                throw new IllegalArgumentException("connect_list resolution " + r + " has no fuse block index");
            }
        }
    }

    /** The released DicFace, one configuration for its three checkpoints: 116,187,075 parameters in 632 tensors. */
    public static DicFaceConfig official() {
        return standard(512, 64, List.of(1, 2, 2, 4, 4, 8), 2, List.of(16), 1024, 256, 512, 8, 9, 1024, 5,
                List.of(32, 64, 128, 256));
    }

    /** The official layout at other sizes; fuse block indices follow the official block pattern. */
    public static DicFaceConfig standard(int imgSize, int nf, List<Integer> chMult, int resBlocks,
            List<Integer> attnResolutions, int codebookSize, int codebookDim, int dimEmbed, int nHead, int nLayers,
            int dimMlp, int frameLength, List<Integer> connectList) {
        checkLimits(imgSize, nf, chMult, resBlocks, attnResolutions, codebookSize, codebookDim, dimEmbed, nHead, nLayers,
                dimMlp, frameLength, connectList);
        Map<Integer, Integer> enc = new LinkedHashMap<>();
        Map<Integer, Integer> gen = new LinkedHashMap<>();
        BlockPlan plan = new BlockPlan(imgSize, nf, chMult, resBlocks, attnResolutions, codebookDim);
        for (int level = 0; level < chMult.size(); level++) {
            enc.put(imgSize >> level, plan.lastEncoderResBlock(level));
            gen.put(imgSize >> level, plan.firstGeneratorResBlock(level));
        }
        return new DicFaceConfig(imgSize, nf, chMult, resBlocks, attnResolutions, codebookSize, codebookDim, dimEmbed,
                nHead, nLayers, dimMlp, frameLength, connectList, enc, gen);
    }

    public int levels() {
        return chMult.size();
    }

    /** Side of the latent grid (16 for the official model). */
    public int latentSize() {
        return imgSize >> (levels() - 1);
    }

    public int tokensPerFrame() {
        return latentSize() * latentSize();
    }

    /** Channels of the encoder and generator at a resolution. */
    public int channelsAt(int resolution) {
        for (int level = 0; level < levels(); level++) {
            if (imgSize >> level == resolution) {
                return nf * chMult.get(level);
            }
        }
        throw new IllegalArgumentException("resolution " + resolution + " is not a level of this network");
    }

    /** The two encoder taps of MultiScaleFuse: latent x4 (pixel-unshuffled by 4) and latent x2 (by 2). */
    public int multiscaleTapHigh() {
        return latentSize() * 4;
    }

    public int multiscaleTapLow() {
        return latentSize() * 2;
    }

    // ---- JSON (the fixture's config.json schema) ----

    public static DicFaceConfig read(Path file) throws IOException {
        return fromJson(Files.readString(file));
    }

    /** "official" or a path to a config.json. */
    public static DicFaceConfig resolve(String nameOrPath) throws IOException {
        return nameOrPath.equals("official") ? official() : read(Path.of(nameOrPath));
    }

    /** A config.json, read strictly: exact integers in range, no unknown leniency (it may come from a file's metadata). */
    public static DicFaceConfig fromJson(String json) {
        JsonObject o;
        try {
            o = StrictJson.parseObject(json);
        } catch (StrictJson.JsonException e) {
            throw new IllegalArgumentException("config is not a JSON object: " + e.getMessage(), e);
        }
        DicFaceConfig d = official();
        try {
            List<Integer> chMult = ints(o, "ch_mult", d.chMult);
            int imgSize = integer(o, "img_size", d.imgSize);
            int resBlocks = integer(o, "res_blocks", d.resBlocks);
            List<Integer> attn = ints(o, "attn_resolutions", d.attnResolutions);
            DicFaceConfig standard = standard(imgSize, integer(o, "nf", d.nf), chMult, resBlocks, attn,
                    integer(o, "codebook_size", d.codebookSize), integer(o, "codebook_dim", d.codebookDim),
                    integer(o, "dim_embed", d.dimEmbed), integer(o, "n_head", d.nHead), integer(o, "n_layers", d.nLayers),
                    integer(o, "dim_mlp", 2 * integer(o, "dim_embed", d.dimEmbed)),
                    integer(o, "frame_length", d.frameLength), ints(o, "connect_list", d.connectList));
            return new DicFaceConfig(standard.imgSize, standard.nf, standard.chMult, standard.resBlocks,
                    standard.attnResolutions, standard.codebookSize, standard.codebookDim, standard.dimEmbed,
                    standard.nHead, standard.nLayers, standard.dimMlp, standard.frameLength, standard.connectList,
                    blockMap(o, "fuse_encoder_block", standard.fuseEncoderBlock),
                    blockMap(o, "fuse_generator_block", standard.fuseGeneratorBlock));
        } catch (StrictJson.JsonException e) {
            throw new IllegalArgumentException("config has a field of the wrong type: " + e.getMessage(), e);
        }
    }

    private static int integer(JsonObject o, String key, int fallback) {
        JsonElement e = o.get(key);
        return e == null ? fallback : integer(e, "field '" + key + "'");
    }

    private static int integer(JsonElement e, String what) {
        return (int) StrictJson.integer(e, Integer.MIN_VALUE, Integer.MAX_VALUE, what);
    }

    /** Lists of numbers; connect_list holds strings in the official code ("32"), numbers are accepted too. */
    private static List<Integer> ints(JsonObject o, String key, List<Integer> fallback) {
        JsonElement e = o.get(key);
        if (e == null) {
            return fallback;
        }
        var array = StrictJson.array(e, "field '" + key + "'");
        if (array.size() > MAX_LEVELS) {
            throw new StrictJson.JsonException("field '" + key + "' holds " + array.size() + " values, at most "
                    + MAX_LEVELS + " are supported");
        }
        List<Integer> result = new ArrayList<>();
        for (JsonElement x : array) {
            result.add(x.isJsonPrimitive() && x.getAsJsonPrimitive().isString() ? number(x.getAsString(), key)
                    : integer(x, "an entry of '" + key + "'"));
        }
        return result;
    }

    private static int number(String text, String key) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new StrictJson.JsonException("field '" + key + "' holds \"" + StrictJson.shorten(text) + "\", not an integer");
        }
    }

    private static Map<Integer, Integer> blockMap(JsonObject o, String key, Map<Integer, Integer> fallback) {
        JsonElement e = o.get(key);
        if (e == null) {
            return fallback;
        }
        var entries = StrictJson.object(e, "field '" + key + "'").entrySet();
        if (entries.size() > MAX_LEVELS) {
            throw new StrictJson.JsonException("field '" + key + "' holds " + entries.size() + " resolutions, at most "
                    + MAX_LEVELS + " are supported");
        }
        Map<Integer, Integer> result = new LinkedHashMap<>();
        entries.forEach(x -> result.put(number(x.getKey(), key), integer(x.getValue(), "an entry of '" + key + "'")));
        return result;
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("img_size", imgSize);
        o.addProperty("nf", nf);
        o.add("ch_mult", array(chMult));
        o.addProperty("res_blocks", resBlocks);
        o.add("attn_resolutions", array(attnResolutions));
        o.addProperty("codebook_size", codebookSize);
        o.addProperty("codebook_dim", codebookDim);
        o.addProperty("dim_embed", dimEmbed);
        o.addProperty("n_head", nHead);
        o.addProperty("n_layers", nLayers);
        o.addProperty("dim_mlp", dimMlp);
        o.addProperty("frame_length", frameLength);
        JsonArray connect = new JsonArray();
        connectList.forEach(r -> connect.add(Integer.toString(r)));
        o.add("connect_list", connect);
        o.add("fuse_encoder_block", map(fuseEncoderBlock));
        o.add("fuse_generator_block", map(fuseGeneratorBlock));
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        return gson.toJson(o);
    }

    private static JsonArray array(List<Integer> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static JsonObject map(Map<Integer, Integer> m) {
        JsonObject o = new JsonObject();
        m.entrySet().stream().sorted(Map.Entry.<Integer, Integer>comparingByKey().reversed())
                .forEach(e -> o.addProperty(Integer.toString(e.getKey()), e.getValue()));
        return o;
    }
}
