package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.torch.Tensor;

/**
 * Opens model weights in a safetensors file or a PyTorch checkpoint. From official DicFace checkpoints,
 * which hold {@code params} (raw weights) and {@code params_ema} (the EMA weights, which inference uses),
 * it takes {@code params_ema}; plain state-dict files are taken whole. Tensors are read one at a time.
 */
public final class Checkpoints {
    /** Sections of a PyTorch checkpoint that hold a state dict, in order of preference. */
    private static final String[] SECTIONS = {"params_ema", "state_dict", "params"};

    private Checkpoints() {
    }

    public enum Format { SAFETENSORS, PYTORCH }

    /** Weights read completely into memory. */
    public record Weights(Map<String, Tensor> tensors, Format format, String section) implements AutoCloseable {
        @Override
        public void close() {
            tensors.values().forEach(Tensor::close);
        }
    }

    /** Re-saving with a current PyTorch is the fix for every legacy torch.save file. */
    static final String LEGACY = "it was saved in PyTorch's legacy format (before PyTorch 1.6, or with "
            + "_use_new_zipfile_serialization=False). Load it in Python and re-save it with torch.save(obj, path) from "
            + "PyTorch 1.6 or later (the zip format), or convert it to safetensors there";

    /** The format by the file's first bytes: "PK" is a zip (torch.save), a pickle opcode a legacy torch.save. */
    public static Format format(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + " does not exist or is not a file");
        }
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) < 4) {
                throw new CheckpointException(file + " is too short to be a checkpoint");
            }
        }
        if (magic[0] == 'P' && magic[1] == 'K') {
            return Format.PYTORCH;
        }
        if ((magic[0] & 0xff) == 0x80 && magic[1] >= 2 && magic[1] <= 5) {   // pickle PROTO 2..5
            throw new CheckpointException(file + " cannot be read: " + LEGACY + ".");
        }
        return Format.SAFETENSORS;
    }

    private static final ThreadLocal<long[]> OPENED = ThreadLocal.withInitial(() -> new long[1]);

    /** How many weights files this thread has opened so far (for tests and diagnostics: a file is read once). */
    public static long opened() {
        return OPENED.get()[0];
    }

    /** Opens a weights file for reading tensor by tensor. */
    public static WeightsSource open(Path file) throws IOException {
        OPENED.get()[0]++;
        return format(file) == Format.SAFETENSORS ? safetensors(SafeTensors.open(file)) : pytorch(PthReader.open(file));
    }

    /** Reads every tensor of a weights file. */
    public static Weights load(Path file) throws IOException {
        try (WeightsSource source = open(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try {
                for (String name : source.shapes().keySet()) {
                    tensors.put(name, source.load(name));
                }
            } catch (RuntimeException e) {
                tensors.values().forEach(Tensor::close);
                throw e;
            }
            return new Weights(tensors, source.format(), source.section());
        }
    }

    /** A source made of its parts. */
    private record Source(Map<String, long[]> shapes, java.util.function.Function<String, Tensor> loader, Format format,
            String section, Runnable closer) implements WeightsSource {
        @Override
        public Tensor load(String name) {
            return loader.apply(name);
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    /**
     * A training checkpoint of ours keeps its sections as name prefixes ("params_ema.", "params.", "adam.m.", ...):
     * the first of SECTIONS present is taken, as from an official file; a plain weights file is taken whole.
     */
    private static WeightsSource safetensors(SafeTensors st) {
        String section = "";
        for (String s : SECTIONS) {
            if (st.entries().keySet().stream().anyMatch(name -> name.startsWith(s + "."))) {
                section = s;
                break;
            }
        }
        String prefix = section.isEmpty() ? "" : section + ".";
        Map<String, long[]> shapes = new LinkedHashMap<>();
        st.entries().forEach((name, e) -> {
            if (name.startsWith(prefix)) {
                shapes.put(name.substring(prefix.length()), e.shape());
            }
        });
        return new Source(shapes, name -> st.load(prefix + name), Format.SAFETENSORS, section, st::close);
    }

    private static WeightsSource pytorch(PthReader.Archive archive) {
        try {
            Path file = archive.file();
            if (!(archive.root() instanceof Map<?, ?> root)) {
                throw new CheckpointException(file + " holds " + Unpickler.describe(archive.root()) + ", not a state dict");
            }
            String section = "";
            Map<?, ?> dict = root;
            for (String s : SECTIONS) {
                if (root.get(s) instanceof Map<?, ?> inner) {
                    section = s;
                    dict = inner;
                    break;
                }
            }
            Map<String, Unpickler.TensorRef> refs = refs(file, dict);
            Map<String, long[]> shapes = new LinkedHashMap<>();
            refs.forEach((name, ref) -> shapes.put(name, ref.shape()));
            return new Source(shapes, name -> {
                Unpickler.TensorRef ref = refs.get(name);
                if (ref == null) {
                    throw new CheckpointException(file + " holds no tensor '" + StrictJson.shorten(name) + "'");
                }
                return archive.tensor(ref);
            }, Format.PYTORCH, section, archive::close);
        } catch (RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    private static Map<String, Unpickler.TensorRef> refs(Path file, Map<?, ?> dict) {
        Map<String, Unpickler.TensorRef> refs = new LinkedHashMap<>();
        boolean allPrefixed = !dict.isEmpty() && dict.keySet().stream().allMatch(k -> String.valueOf(k).startsWith("module."));
        for (var e : dict.entrySet()) {
            if (!(e.getValue() instanceof Unpickler.TensorRef ref)) {
                throw new CheckpointException(file + ": entry " + Unpickler.describe(e.getKey()) + " is not a tensor; expected a state dict "
                        + "(a mapping of parameter names to tensors), optionally under 'params_ema'");
            }
            String key = String.valueOf(e.getKey());
            refs.put(allPrefixed ? key.substring("module.".length()) : key, ref);  // DistributedDataParallel's prefix
        }
        return refs;
    }
}
