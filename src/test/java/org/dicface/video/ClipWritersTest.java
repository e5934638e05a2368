package org.dicface.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clips written frame by frame: TIFF stacks that ImageJ and another TIFF reader (the JDK's) read back
 * exactly, PNG folders, MP4; nothing under the final name until complete; a failing disk (a file size
 * limit in a child process) gives an error and leaves nothing behind; truncated files count short.
 */
class ClipWritersTest {
    @TempDir
    Path dir;

    private static ImageProcessor frame(int bitDepth, int w, int h, int seed) {
        java.util.Random r = new java.util.Random(seed);
        return switch (bitDepth) {
            case 8 -> {
                byte[] px = new byte[w * h];
                r.nextBytes(px);
                yield new ByteProcessor(w, h, px);
            }
            case 16 -> {
                short[] px = new short[w * h];
                for (int i = 0; i < px.length; i++) {
                    px[i] = (short) r.nextInt(65536);
                }
                yield new ShortProcessor(w, h, px, null);
            }
            case 32 -> {
                float[] px = new float[w * h];
                for (int i = 0; i < px.length; i++) {
                    px[i] = (float) r.nextGaussian() * 100;
                }
                yield new FloatProcessor(w, h, px);
            }
            default -> {
                int[] px = new int[w * h];
                for (int i = 0; i < px.length; i++) {
                    px[i] = 0xff000000 | r.nextInt(1 << 24);
                }
                yield new ColorProcessor(w, h, px);
            }
        };
    }

    private static Object pixels(ImageProcessor ip) {
        return ip.getPixels();
    }

    @Test
    void tiffStacksOfEveryDepthReadBackExactly() throws Exception {
        for (int depth : new int[] {8, 16, 24, 32}) {
            Path file = dir.resolve("clip" + depth + ".tif");
            List<ImageProcessor> frames = new java.util.ArrayList<>();
            try (TiffWriter w = new TiffWriter(file, 12.5)) {
                for (int i = 0; i < 5; i++) {
                    frames.add(frame(depth, 33, 21, depth * 10 + i));
                    w.write(frames.get(i));
                }
                assertFalse(Files.exists(file), "nothing under the final name before the commit");
                w.commit();
            }
            ImagePlus back = IJ.openImage(file.toString());
            assertEquals(5, back.getStackSize(), depth + "-bit");
            assertEquals(5, back.getNFrames(), "frames on the time axis");
            assertEquals(depth, back.getBitDepth());
            assertEquals(12.5, back.getCalibration().fps, 1e-9);
            ImagePlus virtual = IJ.openVirtual(file.toString());
            for (int i = 0; i < 5; i++) {
                Object want = pixels(frames.get(i));
                for (ImagePlus got : new ImagePlus[] {back, virtual}) {
                    Object have = got.getStack().getProcessor(i + 1).getPixels();
                    switch (want) {
                        case byte[] b -> assertArrayEquals(b, (byte[]) have);
                        case short[] s -> assertArrayEquals(s, (short[]) have);
                        case float[] f -> assertArrayEquals(f, (float[]) have);
                        default -> assertArrayEquals((int[]) want, (int[]) have);
                    }
                }
            }
            // another reader follows the chain of image directories
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                ImageReader reader = ImageIO.getImageReadersByFormatName("tiff").next();
                reader.setInput(in);
                assertEquals(5, reader.getNumImages(true));
                java.awt.image.BufferedImage last = reader.read(4);
                assertEquals(33, last.getWidth());
                if (depth == 8) {
                    byte[] raw = ((java.awt.image.DataBufferByte) last.getRaster().getDataBuffer()).getData();
                    assertArrayEquals((byte[]) pixels(frames.get(4)), raw);
                }
            }
            assertEquals(5, ClipFiles.countFrames(file));
        }
    }

    @Test
    void aTruncatedTiffCountsOnlyItsWholeFrames() throws IOException {
        Path file = dir.resolve("t.tif");
        try (TiffWriter w = new TiffWriter(file, 0)) {
            for (int i = 0; i < 6; i++) {
                w.write(frame(24, 40, 30, i));
            }
            w.commit();
        }
        long frameBytes = 40 * 30 * 3;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - (6 - 1) * 170L - 3 * frameBytes);  // the last directories and three frames gone
        }
        int left = ClipFiles.countFrames(file);
        assertTrue(left < 6, "counted " + left);
        Files.writeString(file, "not a tiff");
        assertEquals(0, ClipFiles.countFrames(file));
    }

    @Test
    void pngFoldersAndVideosAreCommittedWhole() throws IOException {
        Path folder = dir.resolve("seq-restore");
        try (ClipWriter w = ClipFiles.writer(folder, ClipWriter.Options.of(3))) {
            for (int i = 0; i < 3; i++) {
                w.write(frame(24, 20, 16, i));
            }
            assertFalse(Files.exists(folder));
            w.commit();
        }
        try (var files = Files.list(folder)) {
            assertEquals(List.of("0001.png", "0002.png", "0003.png"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(3, ClipFiles.countFrames(folder));
        Files.write(folder.resolve("0002.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertEquals(2, ClipFiles.countFrames(folder), "a cut PNG does not count");

        Path video = dir.resolve("v.mp4");
        try (ClipWriter w = ClipFiles.writer(video, new ClipWriter.Options(7, 10, null))) {
            for (int i = 0; i < 7; i++) {
                w.write(frame(24, 32, 24, i));
            }
            assertFalse(Files.exists(video));
            w.commit();
        }
        assertEquals(7, ClipFiles.countFrames(video));
        assertEquals(7, VideoFiles.open(video, true).getStackSize());
        try (ClipWriter w = ClipFiles.writer(dir.resolve("abandoned.mp4"), ClipWriter.Options.of(2))) {
            w.write(frame(24, 32, 24, 0));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("seq-restore", "v.mp4"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "an abandoned writer leaves nothing");
        }
    }

    @Test
    void aClipThatDoesNotReadBackWholeNeverReachesItsName() throws IOException {
        Path folder = dir.resolve("lost-restore");
        try (ClipWriter w = ClipFiles.writer(folder, ClipWriter.Options.of(3))) {
            for (int i = 0; i < 3; i++) {
                w.write(frame(24, 20, 16, i));
            }
            // a frame lost between writing and the commit (another process, a failing disk)
            Path written;
            try (var entries = Files.list(dir)) {
                written = entries.filter(p -> p.getFileName().toString().startsWith(".lost-restore")).findFirst().orElseThrow();
            }
            try (var frames = Files.list(written)) {
                Files.delete(frames.sorted().toList().get(1));
            }
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, w::commit);
            assertTrue(e.getMessage().contains("2 of 3 frames read back"), e.getMessage());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing under the final name, no temporary left");
        }
    }

    /** Runs {@link WriteProbe} in a JVM whose files may not grow past {@code kib} KiB: a disk that fills up. */
    private String writeUnderLimit(Path out, int kib, int frames, int w, int h) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "ulimit -f " + kib + " && exec '" + javaBin + "' --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true"
                + " -cp '" + System.getProperty("java.class.path") + "' org.dicface.video.WriteProbe '" + out + "' " + frames + " "
                + w + " " + h;
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    @Test
    void aDiskThatFillsUpGivesAnErrorAndNoFile() throws Exception {
        for (String name : new String[] {"full.mp4", "full.tif"}) {
            Path out = Files.createDirectories(dir.resolve(name + ".d")).resolve(name);
            String output = writeUnderLimit(out, 96, 60, 320, 240);
            assertTrue(output.contains("failed: could not write " + out + ": the file would be larger than this system allows"), output);
            assertFalse(output.contains("av_") || output.contains("error -"), "no FFmpeg internals: " + output);
            assertFalse(output.contains("committed"), output);
            assertFalse(output.contains("left: "), "nothing is left in the folder: " + output);
        }
        // the same writer with room enough commits
        Path out = Files.createDirectories(dir.resolve("room")).resolve("ok.mp4");
        String output = writeUnderLimit(out, 1 << 20, 10, 64, 48);
        assertTrue(output.contains("committed") && output.contains("left: ok.mp4"), output);
        assertEquals(10, ClipFiles.countFrames(out));
    }
}
