package org.dicface.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import org.dicface.io.AtomicFile;

/**
 * A TIFF stack written one frame at a time, in ImageJ's own layout: the first image directory at the start
 * (its description, {@code images=N frames=N}, patched in at the end), the frames' pixels contiguous after
 * it, then one directory per further frame, so ImageJ and other TIFF readers both open it. Stacks past the
 * 4 GiB that classic TIFF offsets reach keep only the first directory, as ImageJ itself writes them.
 * 8-bit gray, 16-bit gray, 32-bit float and RGB frames.
 */
public final class TiffWriter implements ClipWriter {
    private static final int DESCRIPTION_BYTES = 256;
    private static final long LIMIT = 0xffff_ffffL;

    private final AtomicFile.Pending pending;
    private final FileChannel channel;
    private final double frameRate;
    private int width;
    private int height;
    private int bitDepth;
    private long frameBytes;
    private long dataStart;
    private int frames;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    public TiffWriter(Path output, double frameRate) throws IOException {
        this.pending = AtomicFile.create(output);
        this.channel = FileChannel.open(pending.path(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.frameRate = frameRate;
    }

    @Override
    public void write(ImageProcessor ip) throws IOException {
        try {
            if (frames == 0) {
                start(ip);
            } else if (ip.getWidth() != width || ip.getHeight() != height || ip.getBitDepth() != bitDepth) {
                throw new IllegalArgumentException("frame " + (frames + 1) + " is " + ip.getWidth() + "x" + ip.getHeight() + " "
                        + ip.getBitDepth() + "-bit, the first was " + width + "x" + height + " " + bitDepth + "-bit");
            }
            ByteBuffer b = ByteBuffer.allocate((int) frameBytes).order(ByteOrder.LITTLE_ENDIAN);
            switch (ip) {
                case ColorProcessor cp -> {
                    for (int c : (int[]) cp.getPixels()) {
                        b.put((byte) (c >> 16)).put((byte) (c >> 8)).put((byte) c);
                    }
                }
                case ByteProcessor bp -> b.put((byte[]) bp.getPixels());
                case ShortProcessor sp -> b.asShortBuffer().put((short[]) sp.getPixels());
                case FloatProcessor fp -> {
                    float[] px = (float[]) fp.getPixels();
                    b.asFloatBuffer().put(px);
                    for (float v : px) {
                        if (Float.isFinite(v)) {
                            min = Math.min(min, v);
                            max = Math.max(max, v);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("cannot write " + ip.getClass().getSimpleName() + " frames");
            }
            b.position(0).limit((int) frameBytes);
            writeAt(b, dataStart + frames * frameBytes);
            frames++;
        } catch (IOException e) {
            throw ClipWriter.failure(pending.target(), "write", e);
        }
    }

    private void start(ImageProcessor ip) {
        width = ip.getWidth();
        height = ip.getHeight();
        bitDepth = ip.getBitDepth();
        int bytesPerPixel = switch (bitDepth) {
            case 8 -> 1;
            case 16 -> 2;
            case 24 -> 3;
            case 32 -> 4;
            default -> throw new IllegalArgumentException("cannot write " + bitDepth + "-bit frames");
        };
        frameBytes = (long) width * height * bytesPerPixel;
        if (frameBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + width + "x" + height + " frame is too large for a TIFF strip");
        }
        dataStart = 8 + directoryBytes(true) + 8 + DESCRIPTION_BYTES;
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void commit() throws IOException {
        if (frames == 0) {
            throw new IOException("no frames to write to " + pending.target());
        }
        try {
            long end = dataStart + frames * frameBytes;
            boolean chain = end + (long) (frames - 1) * directoryBytes(false) <= LIMIT;
            ByteBuffer header = buffer(8);
            header.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
            writeAt(header.flip(), 0);
            long extras = 8 + directoryBytes(true);
            writeAt(directory(dataStart, extras, chain && frames > 1 ? end : 0, true).flip(), 8);
            ByteBuffer extra = buffer(8 + DESCRIPTION_BYTES);
            extra.putShort((short) 8).putShort((short) 8).putShort((short) 8).putShort((short) 0);
            byte[] text = description().getBytes(StandardCharsets.US_ASCII);
            extra.put(text, 0, Math.min(text.length, DESCRIPTION_BYTES - 1));
            while (extra.position() < extra.capacity() - 1) {
                extra.put((byte) ' ');  // blank padding (a blank line to ImageJ), then the terminating NUL
            }
            writeAt(extra.position(extra.capacity()).flip(), extras);
            if (chain) {
                long at = end;
                for (int i = 1; i < frames; i++) {
                    long next = i + 1 < frames ? at + directoryBytes(false) : 0;
                    writeAt(directory(dataStart + i * frameBytes, extras, next, false).flip(), at);
                    at += directoryBytes(false);
                }
            }
            channel.force(true);
            channel.close();
            ClipWriter.checkReadBack(ClipFiles.countFrames(pending.path()), frames);
            pending.commit();
        } catch (IOException e) {
            throw ClipWriter.failure(pending.target(), "write", e);
        }
    }

    private String description() {
        StringBuilder d = new StringBuilder("ImageJ=1.54p\nimages=" + frames + "\nframes=" + frames + "\n");
        if (frameRate > 0) {
            d.append(String.format(Locale.ROOT, "unit=pixel\nfinterval=%s\nfps=%s\n", 1 / frameRate, frameRate));
        }
        if (bitDepth == 32 && min <= max) {
            d.append(String.format(Locale.ROOT, "min=%s\nmax=%s\n", min, max));
        }
        return d.append("loop=false\n").toString();
    }

    private int entries(boolean first) {
        return 10 + (bitDepth == 32 ? 1 : 0) + (first ? 1 : 0);
    }

    private int directoryBytes(boolean first) {
        return 2 + 12 * entries(first) + 4;
    }

    /** One image directory: the pixels at {@code strip}; BitsPerSample and the description in {@code extras}. */
    private ByteBuffer directory(long strip, long extras, long next, boolean first) {
        ByteBuffer b = buffer(directoryBytes(first));
        int spp = bitDepth == 24 ? 3 : 1;
        b.putShort((short) entries(first));
        entry(b, 254, 4, 1, 0);                                        // NewSubfileType
        entry(b, 256, 4, 1, width);                                    // ImageWidth
        entry(b, 257, 4, 1, height);                                   // ImageLength
        entry(b, 258, 3, spp, spp == 3 ? extras : bitDepth == 24 ? 8 : bitDepth);  // BitsPerSample
        entry(b, 262, 3, 1, spp == 3 ? 2 : 1);                          // Photometric: RGB or BlackIsZero
        if (first) {
            entry(b, 270, 2, DESCRIPTION_BYTES, extras + 8);             // ImageDescription
        }
        entry(b, 273, 4, 1, strip);                                    // StripOffsets
        entry(b, 277, 3, 1, spp);                                      // SamplesPerPixel
        entry(b, 278, 4, 1, height);                                   // RowsPerStrip
        entry(b, 279, 4, 1, frameBytes);                               // StripByteCounts
        entry(b, 284, 3, 1, 1);                                        // PlanarConfiguration: chunky
        if (bitDepth == 32) {
            entry(b, 339, 3, 1, 3);                                    // SampleFormat: IEEE float
        }
        return b.putInt((int) next);
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, long value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt((int) value);
        }
    }

    private static ByteBuffer buffer(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void writeAt(ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            pending.close();
        }
    }
}
