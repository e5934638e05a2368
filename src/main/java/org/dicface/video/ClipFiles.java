package org.dicface.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffDecoder;
import ij.plugin.FolderOpener;
import org.dicface.io.AtomicFile;

/**
 * Clips on disk. In: videos, TIFF stacks, single images, and folders of images (PNG, TIFF, JPEG), opened so
 * that frames are read on demand where the format allows (videos, TIFF stacks and folders as virtual
 * stacks). Out: MP4, a TIFF stack or a folder of PNGs, written frame by frame through a {@link ClipWriter}
 * and moved in place only once complete and read back.
 */
public final class ClipFiles {
    private static final Pattern NUMBERED_PNG = Pattern.compile("\\d+\\.png");

    private ClipFiles() {
    }

    /** Opens a clip in memory (a long video, or a folder, as a virtual stack). */
    public static ImagePlus open(Path input) {
        return open(input, false);
    }

    /**
     * Opens a video, a TIFF stack, a single image, or a folder of images (sorted by name); {@code virtual}:
     * frames are read when needed (videos, TIFF and folders), else videos and TIFF stacks are read whole.
     */
    public static ImagePlus open(Path input, boolean virtual) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException(input + " does not exist");
        }
        if (VideoFiles.isVideo(input)) {
            try {
                return VideoFiles.open(input, virtual);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
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
            return imp;
        }
        try {
            if (Files.size(input) == 0) {
                throw new IllegalArgumentException(input + " is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(input + " cannot be read: " + e.getMessage(), e);
        }
        imp = virtual && isTiff(input) ? openVirtualTiff(input) : null;
        if (imp == null) {
            imp = IJ.openImage(input.toString());
        }
        if (imp == null) {
            throw new IllegalArgumentException(input + " is not an image ImageJ can open (a TIFF stack, PNG or JPEG "
                    + "image, a video, or a folder of images)");
        }
        return imp;
    }

    private static boolean isTiff(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff");
    }

    /** An uncompressed multi-image TIFF as a virtual stack; null where ImageJ would rather read it whole. */
    private static ImagePlus openVirtualTiff(Path input) {
        try {
            FileInfo[] info = new TiffDecoder(input.toAbsolutePath().getParent().toString() + "/", input.getFileName().toString())
                    .getTiffInfo();
            if (info == null || info.length == 0 || (info.length == 1 && info[0].nImages <= 1)
                    || info[0].compression != FileInfo.COMPRESSION_NONE) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        ImagePlus imp = IJ.openVirtual(input.toString());
        if (imp != null && imp.getNSlices() > 1 && imp.getNFrames() == 1 && imp.getNChannels() == 1) {
            imp.setDimensions(1, 1, imp.getNSlices());
        }
        return imp;
    }

    /** Writes a TIFF stack (with ImageJ's metadata) completely or not at all. */
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
     * A writer for {@code output}, of the kind its name says: {@code .mp4} a video, {@code .tif} a TIFF
     * stack, anything else a folder of numbered PNGs.
     */
    public static ClipWriter writer(Path output, ClipWriter.Options options) throws IOException {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".mp4")) {
            return new VideoWriter(output, options.frameRate(), options.sound());
        }
        if (name.endsWith(".tif") || name.endsWith(".tiff")) {
            return new TiffWriter(output, options.frameRate());
        }
        return new SequenceWriter(output, options.expectedFrames());
    }

    /** Saves a whole image in the kind {@link #writer} chooses by name: MP4 (with the source's sound), TIFF, or PNGs. */
    public static void save(ImagePlus image, Path output) throws IOException {
        String source = image.getProp(VideoFiles.SOURCE_PROPERTY);
        int frames = Math.max(image.getNFrames(), image.getNSlices());
        ClipWriter.Options options = new ClipWriter.Options(frames, VideoFiles.frameRate(image),
                ClipWriter.Sound.of(source == null ? null : Path.of(source)));
        try (ClipWriter w = writer(output, options)) {
            for (int t = 0; t < frames; t++) {
                int index = image.getNFrames() > 1 ? image.getStackIndex(1, 1, t + 1) : image.getStackIndex(1, t + 1, 1);
                w.write(image.getStack().getProcessor(index));
            }
            w.commit();
        }
    }

    /**
     * The frames of a clip this project writes, counted the way that proves it complete: a video's packets
     * (see {@link VideoProbe}), a TIFF's images whose pixels are all in the file, a folder's numbered PNGs
     * that end with their end chunk. A file that cannot be read as such counts none.
     */
    public static int countFrames(Path clip) throws IOException {
        if (Files.isDirectory(clip)) {
            int n = 0;
            try (var files = Files.list(clip)) {
                for (Path p : files.toList()) {
                    if (NUMBERED_PNG.matcher(p.getFileName().toString()).matches() && endsAsPng(p)) {
                        n++;
                    }
                }
            }
            return n;
        }
        if (!Files.isRegularFile(clip)) {
            return 0;
        }
        if (VideoFiles.isVideo(clip)) {
            try {
                return VideoProbe.probe(clip).frames();
            } catch (IOException e) {
                return 0;
            }
        }
        return tiffFrames(clip);
    }

    private static int tiffFrames(Path file) throws IOException {
        FileInfo[] info;
        try {
            info = new TiffDecoder(file.toAbsolutePath().getParent().toString() + "/", file.getFileName().toString()).getTiffInfo();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        if (info == null || info.length == 0) {
            return 0;
        }
        long size = Files.size(file);
        if (info.length == 1 && info[0].nImages > 1) {
            FileInfo fi = info[0];
            long bytes = (long) fi.width * fi.height * fi.getBytesPerPixel();
            long gap = fi.gapBetweenImages;
            return (int) Math.min(fi.nImages, bytes <= 0 ? 0 : (size - fi.getOffset() + gap) / (bytes + gap));
        }
        int n = 0;
        for (FileInfo fi : info) {
            long bytes = (long) fi.width * fi.height * fi.getBytesPerPixel();
            if (fi.compression == FileInfo.COMPRESSION_NONE && fi.getOffset() + bytes > size) {
                break;
            }
            n++;
        }
        return n;
    }

    private static boolean endsAsPng(Path p) throws IOException {
        byte[] iend = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
        long size = Files.size(p);
        if (size < 8 + iend.length) {
            return false;
        }
        byte[] tail = new byte[iend.length];
        try (SeekableByteChannel ch = Files.newByteChannel(p); InputStream in = java.nio.channels.Channels.newInputStream(ch.position(size - iend.length))) {
            if (in.readNBytes(tail, 0, tail.length) != tail.length) {
                return false;
            }
        }
        return java.util.Arrays.equals(tail, iend);
    }
}
