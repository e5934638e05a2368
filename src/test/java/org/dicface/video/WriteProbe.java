package org.dicface.video;

import java.nio.file.Files;
import java.nio.file.Path;

import ij.process.ColorProcessor;

/**
 * Writes a clip of noise frames through {@link ClipFiles#writer} in a process of its own (run under a file
 * size limit by {@link ClipWritersTest}, a stand-in for a full disk): prints {@code committed} or
 * {@code failed: <message>}, and what is left in the folder.
 */
public final class WriteProbe {
    private WriteProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int frames = Integer.parseInt(args[1]);
        int w = Integer.parseInt(args[2]);
        int h = Integer.parseInt(args[3]);
        java.util.Random random = new java.util.Random(1);
        try (ClipWriter writer = ClipFiles.writer(out, new ClipWriter.Options(frames, 25, null))) {
            for (int i = 0; i < frames; i++) {
                int[] px = new int[w * h];
                for (int k = 0; k < px.length; k++) {  // a moving gradient with grain: hard to compress, not pure noise
                    int v = ((k % w) * 2 + k / w + 3 * i + random.nextInt(48)) & 0xff;
                    px[k] = v << 16 | (255 - v) << 8 | (v ^ 0x55);
                }
                writer.write(new ColorProcessor(w, h, px));
            }
            writer.commit();
            System.out.println("committed");
        } catch (java.io.IOException e) {
            System.out.println("failed: " + e.getMessage());
        }
        try (var files = Files.list(out.toAbsolutePath().getParent())) {
            files.forEach(p -> System.out.println("left: " + p.getFileName()));
        }
    }
}
