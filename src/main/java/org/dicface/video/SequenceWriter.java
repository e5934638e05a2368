package org.dicface.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import org.dicface.io.AtomicFile;

/** A folder of numbered PNGs ({@code 0001.png} on), written into a temporary folder that is moved in place when complete. */
public final class SequenceWriter implements ClipWriter {
    private final AtomicFile.Pending pending;
    private final int digits;
    private int frames;

    public SequenceWriter(Path folder, int expectedFrames) throws IOException {
        this.pending = AtomicFile.createDirectory(folder);
        this.digits = Math.max(4, Integer.toString(Math.max(1, expectedFrames)).length());
    }

    @Override
    public void write(ImageProcessor frame) throws IOException {
        String file = pending.path().resolve(String.format(Locale.ROOT, "%0" + digits + "d.png", frames + 1)).toString();
        if (!new FileSaver(new ImagePlus("frame", frame)).saveAsPng(file)) {
            throw ClipWriter.failure(pending.target(), "write", new IOException("ImageJ could not write " + file));
        }
        frames++;
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void commit() throws IOException {
        try {
            ClipWriter.checkReadBack(ClipFiles.countFrames(pending.path()), frames);
        } catch (IOException e) {
            throw ClipWriter.failure(pending.target(), "write", e);
        }
        pending.commit();
    }

    @Override
    public void close() throws IOException {
        pending.close();
    }
}
