package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Path;

import ij.process.ColorProcessor;

import org.dicface.video.ClipWriter;
import org.dicface.video.TiffWriter;
import org.dicface.video.VideoWriter;

/**
 * Writes a synthetic clip for the benchmarks: {@code MakeClip OUTPUT FRAMES SIZE}, a TIFF stack or (for .mp4) an
 * H.264 video of FRAMES frames of SIZE x SIZE, a smooth moving pattern (so the video compresses as real footage
 * does), frame by frame, so that making a long clip costs no memory.
 */
public final class MakeClip {
    private MakeClip() {
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    }

    /** Writes the clip: an H.264 video when {@code out} ends in .mp4, else a TIFF stack. */
    static void write(Path out, int frames, int size) throws IOException {
        try (ClipWriter writer = out.toString().endsWith(".mp4") ? new VideoWriter(out, 25, null)
                : new TiffWriter(out, 25)) {
            for (int t = 0; t < frames; t++) {
                ColorProcessor cp = new ColorProcessor(size, size);
                int[] pixels = (int[]) cp.getPixels();
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int r = (int) (127.5 + 127.5 * Math.sin((x + 2 * t) * 0.07));
                        int g = (int) (127.5 + 127.5 * Math.sin((y - t) * 0.05));
                        int b = (x * y + 3 * t) & 0xff;
                        pixels[y * size + x] = (r << 16) | (g << 8) | b;
                    }
                }
                writer.write(cp);
            }
            writer.commit();
        }
    }
}
