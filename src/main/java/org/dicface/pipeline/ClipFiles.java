package org.dicface.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.plugin.FolderOpener;
import org.dicface.io.AtomicFile;

/** Clips on disk: TIFF stacks and image-sequence folders (PNG, TIFF, JPEG) in; TIFF stacks out, written atomically. */
public final class ClipFiles {
    private ClipFiles() {
    }

    /** Opens a TIFF stack, a single image, or a folder of images (sorted by name, opened as a virtual stack). */
    public static ImagePlus open(Path input) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException(input + " does not exist");
        }
        ImagePlus imp;
        if (Files.isDirectory(input)) {
            imp = FolderOpener.open(input.toString(), "virtual");
            if (imp == null) {
                throw new IllegalArgumentException(input + " holds no images ImageJ can open (PNG, TIFF, JPEG)");
            }
            if (imp.getNSlices() > 1 && imp.getNFrames() == 1) {
                imp.setDimensions(imp.getNChannels(), 1, imp.getNSlices());  // a sequence is time
            }
        } else {
            imp = IJ.openImage(input.toString());
            if (imp == null) {
                throw new IllegalArgumentException(input + " is not an image ImageJ can open (a TIFF stack, PNG or JPEG "
                        + "image, or a folder of them)");
            }
        }
        return imp;
    }

    /** Writes a TIFF stack completely or not at all. */
    public static void saveTiff(ImagePlus image, Path output) throws IOException {
        AtomicFile.writeVia(output, tmp -> {
            FileSaver saver = new FileSaver(image);
            boolean ok = image.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp.toString());
            if (!ok) {
                throw new IOException("ImageJ could not write " + output);
            }
        });
    }

    /** The output file for an input: {@code <dir>/<name>-<task>.tif}. */
    public static Path outputFor(Path input, Path outputDir, ClipRestoration.Task task) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0 && !Files.isDirectory(input)) {
            name = name.substring(0, dot);
        }
        return outputDir.resolve(name + "-" + task.name().toLowerCase(Locale.ROOT) + ".tif");
    }
}
