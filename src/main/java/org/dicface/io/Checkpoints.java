package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.torch.Tensor;

/**
 * Loads model weights from a safetensors file or a PyTorch checkpoint. From official DicFace checkpoints,
 * which hold {@code params} (raw weights) and {@code params_ema} (the EMA weights, which inference uses),
 * it takes {@code params_ema}; plain state-dict files load as they are.
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    public enum Format { SAFETENSORS, PYTORCH }

    /** Loaded weights, the file format, and which part of the file they came from. */
    public record Weights(Map<String, Tensor> tensors, Format format, String section) implements AutoCloseable {
        @Override
        public void close() {
            tensors.values().forEach(Tensor::close);
        }
    }

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
        return magic[0] == 'P' && magic[1] == 'K' ? Format.PYTORCH : Format.SAFETENSORS;
    }

    public static Weights load(Path file) throws IOException {
        if (format(file) == Format.SAFETENSORS) {
            return new Weights(SafeTensors.read(file), Format.SAFETENSORS, "");
        }
        Object root = PthReader.read(file);
        if (!(root instanceof Map<?, ?> map)) {
            throw new CheckpointException(file + " holds a " + root.getClass().getSimpleName() + ", not a state dict");
        }
        for (String section : new String[] {"params_ema", "state_dict", "params"}) {
            if (map.get(section) instanceof Map<?, ?> inner) {
                Weights w = new Weights(tensors(file, inner), Format.PYTORCH, section);
                closeUnused(root, w.tensors());
                return w;
            }
        }
        return new Weights(tensors(file, map), Format.PYTORCH, "");
    }

    /** Frees the tensors of the sections not chosen (the raw 'params' of an official file, say). */
    private static void closeUnused(Object node, Map<String, Tensor> kept) {
        if (node instanceof Tensor t && !kept.containsValue(t)) {
            t.close();
        } else if (node instanceof Map<?, ?> m) {
            m.values().forEach(v -> closeUnused(v, kept));
        } else if (node instanceof java.util.List<?> l) {
            l.forEach(v -> closeUnused(v, kept));
        }
    }

    private static Map<String, Tensor> tensors(Path file, Map<?, ?> map) {
        Map<String, Tensor> result = new LinkedHashMap<>();
        boolean allPrefixed = !map.isEmpty() && map.keySet().stream().allMatch(k -> String.valueOf(k).startsWith("module."));
        for (var e : map.entrySet()) {
            if (!(e.getValue() instanceof Tensor t)) {
                throw new CheckpointException(file + ": entry '" + e.getKey() + "' is not a tensor; expected a state dict "
                        + "(a mapping of parameter names to tensors), optionally under 'params_ema'");
            }
            String key = String.valueOf(e.getKey());
            result.put(allPrefixed ? key.substring("module.".length()) : key, t);  // DistributedDataParallel's prefix
        }
        return result;
    }
}
