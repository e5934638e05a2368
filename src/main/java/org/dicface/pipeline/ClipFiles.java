package org.dicface.pipeline;

import org.dicface.io.Task;
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
        if (org.dicface.video.VideoFiles.isVideo(input)) {
            try {
                return org.dicface.video.VideoFiles.open(input, false);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
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

    /**
     * The output for an input, of the same kind: a video gives {@code <name>-<task>.mp4}, a folder of images a
     * folder {@code <name>-<task>} of PNGs, anything else a TIFF stack {@code <name>-<task>.tif}.
     */
    public static Path outputFor(Path input, Path outputDir, Task task) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0 && !Files.isDirectory(input)) {
            name = name.substring(0, dot);
        }
        String base = name + "-" + task.id();
        if (org.dicface.video.VideoFiles.isVideo(input)) {
            return outputDir.resolve(base + ".mp4");
        }
        return outputDir.resolve(Files.isDirectory(input) ? base : base + ".tif");
    }

    /** Saves in the kind {@link #outputFor} chose: MP4 (with the source's audio), a PNG folder, or TIFF. */
    public static void save(ImagePlus image, Path output) throws IOException {
        String name = output.getFileName().toString();
        if (name.endsWith(".mp4")) {
            org.dicface.video.VideoFiles.save(image, output, null);
        } else if (name.endsWith(".tif")) {
            saveTiff(image, output);
        } else {
            saveSequence(image, output);
        }
    }

    /** A folder of numbered PNGs, written into a temporary folder and moved in place when complete. */
    public static void saveSequence(ImagePlus image, Path folder) throws IOException {
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + folder.getFileName() + ".");
        try {
            int n = image.getStackSize();
            int digits = Math.max(4, Integer.toString(n).length());
            for (int i = 1; i <= n; i++) {
                ImagePlus one = new ImagePlus(image.getTitle(), image.getStack().getProcessor(i));
                String file = tmp.resolve(String.format(Locale.ROOT, "%0" + digits + "d.png", i)).toString();
                if (!new FileSaver(one).saveAsPng(file)) {
                    throw new IOException("ImageJ could not write " + file);
                }
            }
            if (Files.exists(folder)) {
                try (var old = Files.walk(folder)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.move(tmp, folder, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try (var partial = Files.walk(tmp)) {
                for (Path p : partial.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            throw e;
        }
    }
}
