package org.dicface.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing on a thread of its own: the same file, in order, and a write error comes back to the caller. */
class BackgroundWriterTest {
    @TempDir
    Path dir;

    static ColorProcessor frame(int t) {
        ColorProcessor cp = new ColorProcessor(16, 12);
        int[] p = (int[]) cp.getPixels();
        for (int i = 0; i < p.length; i++) {
            p[i] = (i * 7919 + t * 104729) & 0xffffff;
        }
        return cp;
    }

    @Test
    void writesTheSameFramesInOrder() throws IOException {
        Path direct = dir.resolve("direct.tif");
        Path background = dir.resolve("background.tif");
        try (ClipWriter w = new TiffWriter(direct, 25)) {
            for (int t = 0; t < 30; t++) {
                w.write(frame(t));
            }
            w.commit();
        }
        try (ClipWriter w = new BackgroundWriter(new TiffWriter(background, 25), 2)) {
            for (int t = 0; t < 30; t++) {
                w.write(frame(t));
                assertEquals(t + 1, w.frames(), "frames handed over count at once");
            }
            w.commit();
        }
        ImagePlus a = IJ.openImage(direct.toString());
        ImagePlus b = IJ.openImage(background.toString());
        assertEquals(30, b.getStackSize());
        for (int t = 1; t <= 30; t++) {
            assertArrayEquals((int[]) a.getStack().getPixels(t), (int[]) b.getStack().getPixels(t), "frame " + t);
        }
    }

    /** A writer that fails at its fourth frame, as a full disk does. */
    static final class Failing implements ClipWriter {
        final List<String> calls = new ArrayList<>();

        @Override
        public void write(ImageProcessor frame) throws IOException {
            calls.add("write");
            if (calls.size() == 4) {
                throw new IOException("could not write out.mp4: the disk is full");
            }
        }

        @Override
        public int frames() {
            return calls.size();
        }

        @Override
        public void commit() {
            calls.add("commit");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void aWriteErrorComesBackAndNothingIsCommitted() throws IOException {
        Failing target = new Failing();
        BackgroundWriter w = new BackgroundWriter(target, 2);
        IOException e = assertThrows(IOException.class, () -> {
            for (int t = 0; t < 100; t++) {
                w.write(frame(t));
            }
            w.commit();
        });
        assertEquals("could not write out.mp4: the disk is full", e.getMessage());
        assertThrows(IOException.class, w::commit, "a failed writer does not commit later either");
        w.close();
        w.close();
        assertFalse(target.calls.contains("commit"));
        assertEquals(List.of("write", "write", "write", "write", "close"), target.calls, "nothing written after the failure");
        try (var files = Files.list(dir)) {
            assertTrue(files.findAny().isEmpty());
        }
    }
}
