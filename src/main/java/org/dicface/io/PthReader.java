package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.TorchException;

/**
 * Reads PyTorch {@code torch.save} files (the zip format of PyTorch 1.6 and later): {@code <archive>/data.pkl}
 * is interpreted by the restricted {@link Unpickler}; each storage {@code <archive>/data/<key>} is streamed
 * read only when asked for, straight into the memory of its tensor, so a 930 MB checkpoint never exists
 * twice in memory.
 */
public final class PthReader {
    private static final long MAX_PICKLE = 64L << 20;
    /** Deflate's largest possible expansion is 1032:1. */
    private static final long MAX_DEFLATE_RATIO = 1040;
    /** Containers nest a few levels in a checkpoint; deeper is refused before it can exhaust the stack. */
    private static final int MAX_DEPTH = 100;

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
                throw new CheckpointException(file + ": cannot read storage data/" + StrictJson.shorten(ref.storage().key())
                        + " (the zip archive is damaged: " + (e.getMessage() == null ? "it ends early" : e.getMessage()) + ")", e);
            } catch (TorchException e) {   // the record was checked; this is the native check agreeing
                throw new CheckpointException(file + ": a tensor view does not fit its storage (" + e.getMessage() + ")", e);
            }
        }

        /**
         * A storage entry read straight into a new tensor. Its declared size must be exactly what the pickle
         * says and plausible for its compressed size (so a tiny file cannot make us allocate gigabytes), it may
         * not inflate beyond that size, and its CRC-32 must match (a flipped bit never loads as a weight).
         */
        private Tensor storage(Unpickler.StorageRef ref) throws IOException {
            ZipEntry entry = zip.getEntry(prefix + "data/" + ref.key());
            String name = "storage data/" + StrictJson.shorten(ref.key());
            if (entry == null) {
                throw new CheckpointException(file + ": " + name + " is missing from the archive");
            }
            long expected;
            try {
                expected = Math.multiplyExact(ref.numel(), (long) ref.dtype().byteSize());
            } catch (ArithmeticException e) {
                throw new CheckpointException(file + ": " + name + " claims " + ref.numel() + " elements, which overflows 64 bits");
            }
            checkDeclaredSize(file, entry, name);
            if (entry.getSize() != expected) {
                throw new CheckpointException(file + ": " + name + " holds " + entry.getSize() + " bytes, not "
                        + ref.numel() + " elements of " + ref.dtype());
            }
            Tensor t = Scope.unowned(() -> Tensor.empty(ref.dtype(), org.dicface.torch.Device.CPU, ref.numel()));
            try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
                t.readFrom(in);
                checkEnd(file, in, entry, name);
                return t;
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
        Checkpoints.format(file);  // refuses missing, empty and legacy (pre-zip) files with the fix
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " is not a readable PyTorch zip checkpoint (" + e.getMessage() + ")", e);
        }
        try {
            String prefix = archivePrefix(zip, file);
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            if (pkl == null) {
                throw new CheckpointException(file + " is a zip file but not a PyTorch checkpoint: it has no <archive>/data.pkl");
            }
            checkDeclaredSize(file, pkl, "data.pkl");
            if (pkl.getSize() > MAX_PICKLE) {
                throw new CheckpointException(file + ": data.pkl of " + pkl.getSize() + " bytes is implausibly large");
            }
            byte[] pickle;
            try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(pkl), new CRC32())) {
                pickle = in.readNBytes((int) pkl.getSize());
                if (pickle.length != pkl.getSize()) {
                    throw new CheckpointException(file + ": the zip archive is damaged: data.pkl ends after " + pickle.length
                            + " of its " + pkl.getSize() + " bytes");
                }
                checkEnd(file, in, pkl, "data.pkl");
            }
            return new Archive(zip, prefix, file, Unpickler.load(pickle, file.toString()));
        } catch (IOException e) {   // a zip whose headers point past its end, or elsewhere they should not
            zip.close();
            throw new CheckpointException(file + ": the zip archive is damaged (" + (e instanceof java.io.EOFException
                    ? "an entry's data lies beyond the end of the file" : e.getMessage()) + ")", e);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /**
     * Refuses an entry whose declared size cannot be true: a stored entry is its compressed bytes, a deflated one
     * inflates at most about 1032-fold, and neither can be larger than the file holds.
     */
    private static void checkDeclaredSize(Path file, ZipEntry entry, String name) {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        long fileSize = file.toFile().length();
        boolean plausible = size >= 0 && compressed >= 0 && compressed <= fileSize
                && (entry.getMethod() == ZipEntry.STORED ? size == compressed
                        : size / MAX_DEFLATE_RATIO <= compressed);
        if (!plausible) {
            throw new CheckpointException(file + ": " + name + " declares " + size + " bytes from " + compressed
                    + " stored bytes, which a zip archive of " + fileSize + " bytes cannot hold");
        }
    }

    /** After an entry's declared bytes: nothing more may come, and the CRC-32 must match. */
    private static void checkEnd(Path file, CheckedInputStream in, ZipEntry entry, String name) throws IOException {
        if (in.read() >= 0) {
            throw new CheckpointException(file + ": " + name + " holds more than its declared " + entry.getSize() + " bytes");
        }
        if (entry.getCrc() >= 0 && in.getChecksum().getValue() != entry.getCrc()) {
            throw new CheckpointException(file + ": " + name + " is damaged (its CRC-32 does not match)");
        }
    }

    /** The whole file with every tensor read: nested maps of names to tensors (the caller owns them). */
    public static Object read(Path file) throws IOException {
        try (Archive archive = open(file)) {
            return convert(archive.root(), archive);
        }
    }

    private static void closeTensors(Map<Object, Object> converted) {
        converted.values().forEach(v -> {
            if (v instanceof Tensor t) {
                t.close();
            }
        });
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

    /**
     * The unpickled object with its tensors read. Each container is converted once (a shared one stays shared,
     * so a graph of shared lists costs its size, not the number of its paths); cycles and nesting deeper than
     * MAX_DEPTH are refused.
     */
    private static Object convert(Object o, Archive archive) {
        Map<Object, Object> done = new IdentityHashMap<>();
        try {
            return convert(o, archive, done, 0);
        } catch (RuntimeException e) {
            closeTensors(done);  // the tensors read before the failure
            throw e;
        }
    }

    private static Object convert(Object o, Archive archive, Map<Object, Object> done, int depth) {
        if (!(o instanceof Unpickler.TensorRef || o instanceof Map || o instanceof List)) {
            return o;
        }
        if (done.containsKey(o)) {
            Object result = done.get(o);
            if (result == null) {
                throw new CheckpointException(archive.file() + ": the pickle holds a container that contains itself; "
                        + "a checkpoint never does");
            }
            return result;
        }
        if (depth > MAX_DEPTH) {
            throw new CheckpointException(archive.file() + ": the pickle nests containers more than " + MAX_DEPTH
                    + " levels deep; a checkpoint never does");
        }
        done.put(o, null);  // in progress
        Object result;
        if (o instanceof Unpickler.TensorRef ref) {
            result = archive.tensor(ref);
        } else if (o instanceof Map<?, ?> map) {
            Map<String, Object> converted = new LinkedHashMap<>();
            for (var e : map.entrySet()) {
                converted.put(String.valueOf(e.getKey()), convert(e.getValue(), archive, done, depth + 1));
            }
            result = converted;
        } else {
            List<Object> converted = new ArrayList<>();
            for (Object x : (List<?>) o) {
                converted.add(convert(x, archive, done, depth + 1));
            }
            result = converted;
        }
        done.put(o, result);
        return result;
    }
}
