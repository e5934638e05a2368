package org.dicface.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file (or a folder) completely or not at all: into a temporary name beside it, then moved in place.
 * Temporary names are {@code .<name>.<pid>.<random>.part}: a later writer of the same target removes those
 * whose process has ended (a run that was killed), and only those. Files are created as a plain new file
 * would be (mode 0666 less the umask), never with the owner-only mode of {@link Files#createTempFile}.
 */
public final class AtomicFile {
    private static final long PID = ProcessHandle.current().pid();

    private AtomicFile() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes the content of a file given its path (for writers that open files themselves). */
    @FunctionalInterface
    public interface PathWriter {
        void writeTo(Path tmp) throws IOException;
    }

    /**
     * A temporary file or folder that becomes {@code target} on {@link #commit}; closing it without a
     * commit removes it.
     */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private boolean done;

        private Pending(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        /** Where to write. */
        public Path path() {
            return tmp;
        }

        /** The final name. */
        public Path target() {
            return target;
        }

        /** Moves the temporary into place, replacing what was there (a folder too). */
        public void commit() throws IOException {
            if (done) {
                throw new IllegalStateException(target + " is already committed");
            }
            if (Files.isDirectory(tmp)) {
                Path old = null;
                if (Files.exists(target)) {
                    old = tempName(target);
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                done = true;
                if (old != null) {
                    deleteRecursively(old);
                }
                return;
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);  // on disk before it has the final name
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                deleteRecursively(tmp);
            }
        }
    }

    /** An empty temporary file beside {@code file}, after removing the stale ones of earlier runs. */
    public static Pending create(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        removeStale(target);
        Path tmp = tempName(target);
        Files.createFile(tmp);  // default attributes: the umask applies
        return new Pending(target, tmp);
    }

    /** An empty temporary folder beside {@code folder}, after removing the stale ones of earlier runs. */
    public static Pending createDirectory(Path folder) throws IOException {
        Path target = folder.toAbsolutePath();
        Files.createDirectories(target.getParent());
        removeStale(target);
        Path tmp = tempName(target);
        Files.createDirectory(tmp);
        return new Pending(target, tmp);
    }

    /** Writes a text file (UTF-8). */
    public static void writeString(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(file, channel -> {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /** Writes a file through a channel. */
    public static void write(Path file, Content content) throws IOException {
        writeVia(file, tmp -> {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(channel);
            }
        });
    }

    /** Lets {@code writer} fill a temporary file beside {@code file}, then moves it in place. */
    public static void writeVia(Path file, PathWriter writer) throws IOException {
        try (Pending p = create(file)) {
            writer.writeTo(p.path());
            p.commit();
        }
    }

    private static Path tempName(Path target) {
        String name = "." + target.getFileName() + "." + PID + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".part";
        return target.resolveSibling(name);
    }

    /**
     * Removes the temporaries of {@code target} left by runs that have ended: names of this class's pattern
     * for that target, in its folder, whose process is gone (also those of earlier versions, which were
     * {@code .<name>.<digits>.part}). Returns how many were removed.
     */
    public static int removeStale(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Pattern ours = Pattern.compile("\\." + Pattern.quote(abs.getFileName().toString()) + "\\.(\\d+)(\\.[0-9a-f]+)?\\.part");
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = ours.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                if (m.group(2) != null) {  // .<pid>.<random>: stale when that process has ended
                    long pid;
                    try {
                        pid = Long.parseLong(m.group(1));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (ProcessHandle.of(pid).isPresent()) {
                        continue;
                    }
                }
                deleteRecursively(p);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Fails with a message naming the folder unless files can be created in it (creating it if needed):
     * the check to make before hours of work whose result would go there.
     */
    public static void checkWritable(Path folder) throws IOException {
        Path dir = folder.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw new IOException("cannot create the output folder " + dir + " (" + reason(e) + "): choose another one", e);
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("the output folder " + dir + " is not a folder");
        }
        Path probe = dir.resolve(".dicface-write-check." + PID + "." + Long.toHexString(System.nanoTime()) + ".part");
        try {
            Files.createFile(probe);
        } catch (FileSystemException e) {
            throw new IOException("cannot write in the output folder " + dir + " (" + reason(e) + "): choose another one", e);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String r = e.getReason();
        return r == null ? e.getClass().getSimpleName() : r.toLowerCase(Locale.ROOT);
    }

    /** Deletes a file, or a folder and all in it (links not followed); nothing when it is not there. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var all = Files.walk(p)) {
                for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        } else {
            Files.deleteIfExists(p);
        }
    }
}
