package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Reads PyTorch {@code torch.save} files (the zip format of PyTorch 1.6 and later): {@code <archive>/data.pkl}
 * is interpreted by the restricted {@link Unpickler}; each storage {@code <archive>/data/<key>} is streamed
 * straight into the memory of one tensor, so a 930 MB checkpoint never exists twice in memory.
 */
public final class PthReader {
    private static final long MAX_PICKLE = 256L << 20;

    private PthReader() {
    }

    /** The unpickled top-level object with every tensor loaded: nested maps of names to tensors. */
    public static Object read(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(file + " is not a PyTorch zip checkpoint (" + e.getMessage() + "). Files "
                    + "saved by PyTorch before 1.6 use a legacy format: load and re-save them with a current PyTorch, "
                    + "or convert them to safetensors there.");
        }
        try (zip) {
            String prefix = archivePrefix(zip, file);
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            if (pkl.getSize() > MAX_PICKLE) {
                throw new CheckpointException(file + ": data.pkl of " + pkl.getSize() + " bytes is implausibly large");
            }
            byte[] pickle;
            try (InputStream in = zip.getInputStream(pkl)) {
                pickle = in.readAllBytes();
            }
            Object root = Unpickler.load(pickle, file.toString());
            return materialise(root, new StorageLoader(zip, prefix, file));
        }
    }

    private static String archivePrefix(ZipFile zip, Path file) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.endsWith("data.pkl") && name.indexOf('/') == name.length() - "data.pkl".length() - 1) {
                return name.substring(0, name.length() - "data.pkl".length());
            }
        }
        throw new CheckpointException(file + " is a zip file but not a PyTorch checkpoint: it has no <archive>/data.pkl");
    }

    /** Loads each storage once, as a flat tensor of its dtype. */
    private static final class StorageLoader {
        private final ZipFile zip;
        private final String prefix;
        private final Path file;
        private final Map<String, Tensor> loaded = new HashMap<>();

        StorageLoader(ZipFile zip, String prefix, Path file) {
            this.zip = zip;
            this.prefix = prefix;
            this.file = file;
        }

        Tensor storage(Unpickler.StorageRef ref) throws IOException {
            Tensor t = loaded.get(ref.key());
            if (t != null) {
                return t;
            }
            ZipEntry entry = zip.getEntry(prefix + "data/" + ref.key());
            if (entry == null) {
                throw new CheckpointException(file + ": storage data/" + ref.key() + " is missing from the archive");
            }
            long numel = entry.getSize() / ref.dtype().byteSize();
            if (entry.getSize() < 0 || entry.getSize() % ref.dtype().byteSize() != 0 || numel < ref.numel()) {
                throw new CheckpointException(file + ": storage data/" + ref.key() + " holds " + entry.getSize()
                        + " bytes, not " + ref.numel() + " elements of " + ref.dtype());
            }
            try (InputStream in = zip.getInputStream(entry)) {
                t = Scope.unowned(() -> Tensor.empty(ref.dtype(), org.dicface.torch.Device.CPU, numel));
                t.readFrom(in);
            }
            loaded.put(ref.key(), t);
            return t;
        }

        void close() {
            loaded.values().forEach(Tensor::close);
        }
    }

    private static Object materialise(Object root, StorageLoader storages) throws IOException {
        try {
            return convert(root, storages);
        } finally {
            storages.close();  // the views keep what they use alive
        }
    }

    private static Object convert(Object o, StorageLoader storages) throws IOException {
        if (o instanceof Unpickler.TensorRef ref) {
            Tensor storage = storages.storage(ref.storage());
            return Scope.unowned(() -> storage.asStrided(ref.shape(), ref.stride(), ref.offset()));
        }
        if (o instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            for (var e : map.entrySet()) {
                result.put(String.valueOf(e.getKey()), convert(e.getValue(), storages));
            }
            return result;
        }
        if (o instanceof List<?> list) {
            List<Object> result = new java.util.ArrayList<>();
            for (Object x : list) {
                result.add(convert(x, storages));
            }
            return result;
        }
        return o;
    }
}
