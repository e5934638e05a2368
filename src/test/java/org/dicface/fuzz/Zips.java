package org.dicface.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipFile;

/**
 * Zip archives written byte by byte, so that a mutation can make any field lie: declared sizes, CRCs,
 * methods. Without lies, what it writes is a valid archive that any reader (and PyTorch) accepts.
 */
public final class Zips {
    private Zips() {
    }

    /** One entry: its content, how it is stored, and what the headers claim. */
    public record Entry(String name, byte[] content, boolean deflate, long declaredSize, long crc, byte[] stored) {
        public static Entry of(String name, byte[] content) {
            CRC32 crc = new CRC32();
            crc.update(content);
            return new Entry(name, content, false, content.length, crc.getValue(), content);
        }

        /** Deflated as it is, but claiming the given size and CRC (a lie when they differ from the content's). */
        public Entry deflated(long size, long crcValue) {
            return new Entry(name, content, true, size, crcValue, Zips.deflate(content));
        }

        public Entry withCrc(long crcValue) {
            return new Entry(name, content, deflate, declaredSize, crcValue, stored);
        }

        public Entry withContent(byte[] newContent) {
            return of(name, newContent);
        }
    }

    /** The entries of a (trusted) seed archive, in order. */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (var e : Collections.list(zip.entries())) {
                try (var in = zip.getInputStream(e)) {
                    entries.add(Entry.of(e.getName(), in.readAllBytes()));
                }
            }
        }
        return entries;
    }

    public static byte[] deflate(byte[] content) {
        Deflater d = new Deflater(9, true);
        d.setInput(content);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    public static byte[] write(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            int offset = out.size();
            out.writeBytes(header(0x04034b50, e, name, -1));
            out.writeBytes(name);
            out.writeBytes(e.stored());
            central.writeBytes(header(0x02014b50, e, name, offset));
            central.writeBytes(name);
        }
        int centralOffset = out.size();
        out.writeBytes(central.toByteArray());
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(central.size()).putInt(centralOffset).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    /** A local (offset < 0) or central directory header, without the name. */
    private static byte[] header(int signature, Entry e, byte[] name, int offset) {
        boolean local = offset < 0;
        ByteBuffer b = ByteBuffer.allocate(local ? 30 : 46).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(signature);
        if (!local) {
            b.putShort((short) 20);            // made by
        }
        b.putShort((short) 20).putShort((short) 0x0800)   // version needed; flags: UTF-8 names
                .putShort((short) (e.deflate() ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)  // method, time, date
                .putInt((int) e.crc()).putInt(e.stored().length).putInt((int) e.declaredSize())
                .putShort((short) name.length).putShort((short) 0);
        if (!local) {
            b.putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset);
        }
        return b.array();
    }

    /** Byte ranges [begin, end) of each entry's stored data in an archive written by {@link #write}. */
    public static List<long[]> dataRanges(List<Entry> entries) {
        List<long[]> ranges = new ArrayList<>();
        long pos = 0;
        for (Entry e : entries) {
            long begin = pos + 30 + e.name().getBytes(StandardCharsets.UTF_8).length;
            ranges.add(new long[] {begin, begin + e.stored().length});
            pos = begin + e.stored().length;
        }
        return ranges;
    }

    public static byte[] bytes(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
