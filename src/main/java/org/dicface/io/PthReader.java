package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
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
 * read only when asked for, straight into the memory of its tensor, so a 930 MB checkpoint never exists
 * twice in memory.
 */
public final class PthReader {
    private static final long MAX_PICKLE = 256L << 20;

    private PthReader() {
    }

    /** An open archive: its unpickled object (tensors still unread) and the means to read them. */
    public static final class Archive implements AutoCloseable {
        private final ZipFile zip;
        private final String prefix;
        private final Path file;
        private final Object root;

        private Archive(ZipFile zip, String prefix, Path file, Object root) {
            this.zip = zip;
            this.prefix = prefix;
            this.file = file;
            this.root = root;
        }

        /** The unpickled object: maps, lists, values and {@link Unpickler.TensorRef}s. */
        Object root() {
            return root;
        }

        Path file() {
            return file;
        }

        /** Reads one tensor: its storage straight into tensor memory, then the view the record describes. */
        Tensor tensor(Unpickler.TensorRef ref) {
            try (Tensor storage = storage(ref.storage())) {
                return Scope.unowned(() -> storage.asStrided(ref.shape(), ref.stride(), ref.offset()));
            } catch (IOException e) {
                throw new CheckpointException(file + ": cannot read storage data/" + ref.storage().key() + ": " + e.getMessage(), e);
            }
        }

        private Tensor storage(Unpickler.StorageRef ref) throws IOException {
            ZipEntry entry = zip.getEntry(prefix + "data/" + ref.key());
            if (entry == null) {
                throw new CheckpointException(file + ": storage data/" + ref.key() + " is missing from the archive");
            }
            long numel = entry.getSize() / ref.dtype().byteSize();
            if (entry.getSize() < 0 || entry.getSize() % ref.dtype().byteSize() != 0 || numel < ref.numel()) {
                throw new CheckpointException(file + ": storage data/" + ref.key() + " holds " + entry.getSize()
                        + " bytes, not " + ref.numel() + " elements of " + ref.dtype());
            }
            Tensor t = Scope.unowned(() -> Tensor.empty(ref.dtype(), org.dicface.torch.Device.CPU, numel));
            try (InputStream in = zip.getInputStream(entry)) {
                return t.readFrom(in);
            } catch (IOException | RuntimeException e) {
                t.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                zip.close();
            } catch (IOException e) {
                // nothing was written; a failed close of a read-only zip loses nothing
            }
        }
    }

    /** Opens a checkpoint and interprets its pickle; no tensor data is read yet. */
    public static Archive open(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(file + " is not a PyTorch zip checkpoint (" + e.getMessage() + "). Files "
                    + "saved by PyTorch before 1.6 use a legacy format: load and re-save them with a current PyTorch, "
                    + "or convert them to safetensors there.");
        }
        try {
            String prefix = archivePrefix(zip, file);
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            if (pkl.getSize() > MAX_PICKLE) {
                throw new CheckpointException(file + ": data.pkl of " + pkl.getSize() + " bytes is implausibly large");
            }
            byte[] pickle;
            try (InputStream in = zip.getInputStream(pkl)) {
                pickle = in.readAllBytes();
            }
            return new Archive(zip, prefix, file, Unpickler.load(pickle, file.toString()));
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The whole file with every tensor read: nested maps of names to tensors (the caller owns them). */
    public static Object read(Path file) throws IOException {
        try (Archive archive = open(file)) {
            return convert(archive.root(), archive);
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

    private static Object convert(Object o, Archive archive) {
        if (o instanceof Unpickler.TensorRef ref) {
            return archive.tensor(ref);
        }
        if (o instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            for (var e : map.entrySet()) {
                result.put(String.valueOf(e.getKey()), convert(e.getValue(), archive));
            }
            return result;
        }
        if (o instanceof List<?> list) {
            List<Object> result = new java.util.ArrayList<>();
            for (Object x : list) {
                result.add(convert(x, archive));
            }
            return result;
        }
        return o;
    }
}
