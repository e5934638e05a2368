package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: the umask's mode, nothing under the final name on failure, stale temporaries of killed runs removed. */
public class AtomicFileTest {
    @TempDir
    Path dir;

    /** The mode a plain new file (or folder) gets here: 0666 (0777) less the umask of this process. */
    private Set<PosixFilePermission> plain(boolean folder) throws IOException {
        Path p = dir.resolve("plain-" + System.nanoTime());
        if (folder) {
            Files.createDirectory(p);
        } else {
            Files.createFile(p);
        }
        return Files.getPosixFilePermissions(p);
    }

    @Test
    void filesAndFoldersGetTheModeOfAPlainNewOne() throws IOException {
        Set<PosixFilePermission> file = plain(false);
        Path text = dir.resolve("a.txt");
        AtomicFile.writeString(text, "x");
        assertEquals(file, Files.getPosixFilePermissions(text));
        Path via = dir.resolve("b.bin");
        AtomicFile.writeVia(via, tmp -> Files.write(tmp, new byte[] {1, 2}));
        assertEquals(file, Files.getPosixFilePermissions(via));
        Path folder = dir.resolve("seq");
        try (AtomicFile.Pending p = AtomicFile.createDirectory(folder)) {
            Files.writeString(p.path().resolve("0001.png"), "x");
            p.commit();
        }
        assertEquals(plain(true), Files.getPosixFilePermissions(folder));
        // and not the owner-only mode of a temporary file, unless the umask itself says so
        Set<PosixFilePermission> temp = Files.getPosixFilePermissions(Files.createTempFile(dir, "t", ".tmp"));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), temp);
        if (file.contains(PosixFilePermission.GROUP_READ)) {
            assertTrue(Files.getPosixFilePermissions(text).contains(PosixFilePermission.GROUP_READ));
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("out.tif");
        Files.writeString(target, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.writeVia(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of("out.tif"), files.map(p -> p.getFileName().toString()).toList());
        }
        AtomicFile.writeString(target, "new");
        assertEquals("new", Files.readString(target));
    }

    /** The pid of a process that has ended. */
    public static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).isPresent());
        return pid;
    }

    @Test
    void staleTemporariesOfTheTargetAreRemovedAndNothingElse() throws Exception {
        long dead = deadPid();
        long alive = ProcessHandle.current().pid();
        Path target = dir.resolve("clip-restore.tif");
        Path stale = Files.writeString(dir.resolve(".clip-restore.tif." + dead + ".1a2b.part"), "killed");
        Path staleFolder = Files.createDirectories(dir.resolve(".clip-restore.tif." + dead + ".ff.part"));
        Files.writeString(staleFolder.resolve("0001.png"), "x");
        Path legacy = Files.writeString(dir.resolve(".clip-restore.tif.8812345678.part"), "old version");
        Path running = Files.writeString(dir.resolve(".clip-restore.tif." + alive + ".77.part"), "still being written");
        Path otherTarget = Files.writeString(dir.resolve(".other.tif." + dead + ".1a.part"), "someone else's");
        Path unrelated = Files.writeString(dir.resolve("clip-restore.tif.part"), "the user's");
        Path userDot = Files.writeString(dir.resolve(".clip-restore.tif.notes.part"), "the user's");
        AtomicFile.writeString(target, "done");
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleFolder));
        assertFalse(Files.exists(legacy));
        for (Path kept : new Path[] {running, otherTarget, unrelated, userDot}) {
            assertTrue(Files.exists(kept), kept + " is kept");
        }
        assertEquals(0, AtomicFile.removeStale(target));
    }

    @Test
    void anUnwritableOutputFolderIsReportedBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.checkWritable(file.resolve("out")));
        assertTrue(e.getMessage().startsWith("cannot create the output folder " + file.resolve("out")), e.getMessage());
        e = assertThrows(IOException.class, () -> AtomicFile.checkWritable(file));
        assertTrue(e.getMessage().contains("is not a folder") || e.getMessage().contains("cannot create"), e.getMessage());
        Path ok = dir.resolve("new/out");
        AtomicFile.checkWritable(ok);
        try (var files = Files.list(ok)) {
            assertEquals(0, files.count(), "the check leaves nothing behind");
        }
    }
}
