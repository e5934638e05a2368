package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicface.fuzz.Pickles;
import org.dicface.fuzz.Zips;
import org.dicface.torch.DType;
import org.dicface.torch.Tensor;
import org.dicface.torch.LiveHandles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch checkpoints made hostile: views at the int64 limits, shared, cyclic and deep pickle structures,
 * huge strings, zip entries that lie about their size or content, and the legacy format. Each is one clear
 * {@link CheckpointException}, quickly, with nothing left allocated. The seeds are small files saved by
 * PyTorch 1.13 (test resources, made by make-seeds.py beside them).
 */
class HostilePthTest {
    @TempDir
    Path dir;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HostilePthTest.class.getResourceAsStream("/org/dicface/fuzz/" + name)) {
            return in.readAllBytes();
        }
    }

    private Path seed() throws IOException {
        return Files.write(dir.resolve("state-dict.pth"), resource("state-dict.pth"));
    }

    /** The seed with its data.pkl replaced. */
    private Path withPickle(byte[] pickle) throws IOException {
        List<Zips.Entry> entries = new ArrayList<>(Zips.read(seed()));
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().endsWith("data.pkl")) {
                entries.set(i, entries.get(i).withContent(pickle));
            }
        }
        return Files.write(Files.createTempFile(dir, "edited", ".pth"), Zips.write(entries));
    }

    private byte[] seedPickle() throws IOException {
        return Zips.read(seed()).stream().filter(e -> e.name().endsWith("data.pkl")).findFirst().orElseThrow().content();
    }

    private static String refused(Path f) {
        LiveHandles.Check handles = LiveHandles.check();
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(CheckpointException.class, () -> Checkpoints.load(f).close()));
        assertTrue(e.getMessage().length() < 600, e.getMessage());
        CheckpointException whole = assertThrows(CheckpointException.class, () -> PthReader.read(f));
        assertTrue(whole.getMessage().length() < 600, whole.getMessage());
        handles.assertNothingLeft("refusing " + f.getFileName());
        return e.getMessage();
    }

    @Test
    void thePyTorchSeedLoadsWithItsValues() throws IOException {
        // values of make-seeds.py: base = arange(6).reshape(3, 2); view.t = base.t(); view.slice = base[1:]
        try (Checkpoints.Weights w = Checkpoints.load(seed())) {
            Map<String, Tensor> t = w.tensors();
            assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, t.get("view.t").toFloatArray());
            assertArrayEquals(new long[] {2, 3}, t.get("view.t").shape());
            assertArrayEquals(new float[] {2, 3, 4, 5}, t.get("view.slice").toFloatArray());
            assertArrayEquals(new float[] {1.5f, -2}, t.get("half").toFloatArray());
            assertArrayEquals(new float[] {0.25f, 3}, t.get("bf16").toFloatArray());
            assertArrayEquals(new float[] {1, 0, 1}, t.get("mask").to(DType.FLOAT32).toFloatArray());
            assertArrayEquals(new float[] {3, 1, 2}, t.get("idx").to(DType.FLOAT32).toFloatArray());
            assertArrayEquals(new float[] {2.5f}, t.get("scalar").to(DType.FLOAT32).toFloatArray());
            assertArrayEquals(new long[] {0, 3}, t.get("empty").shape());
            assertEquals(15, t.size());
        }
    }

    /** The pickle with the storage offset of every tensor record set to {@code offset}. */
    private byte[] withOffsets(BigInteger offset) throws IOException {
        byte[] p = seedPickle();
        List<Pickles.Op> ops = Pickles.ops(p);
        List<Integer> offsets = Pickles.offsetOps(ops);
        for (int k = offsets.size() - 1; k >= 0; k--) {   // from the end: positions before stay valid
            p = Pickles.replace(p, ops.get(offsets.get(k)), Pickles.long1(offset));
        }
        return p;
    }

    @Test
    void viewsAtTheInt64LimitsAreRefused() throws IOException {
        // offset + extent wrapped past 2^63 used to pass the bound check (a crash, or a read before the storage)
        for (long offset : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - 3, 1L << 62, -1, Long.MIN_VALUE}) {
            String refusal = refused(withPickle(withOffsets(BigInteger.valueOf(offset))));
            assertTrue(refusal.contains("outside its storage") || refusal.contains("non-negative") || refusal.contains("overflows"),
                    refusal);
        }
        byte[] p = seedPickle();
        List<Pickles.Op> ops = Pickles.ops(p);
        int size = Pickles.firstSizeOp(ops, Pickles.offsetOps(ops).get(0));
        String m = refused(withPickle(Pickles.replace(p, ops.get(size), Pickles.long1(BigInteger.TWO.pow(62)))));
        assertTrue(m.contains("storage") || m.contains("overflows"), m);
    }

    @Test
    void storageCountsThatTheEntryDoesNotHoldAreRefused() throws IOException {
        byte[] p = seedPickle();
        List<Pickles.Op> ops = Pickles.ops(p);
        Pickles.Op numel = ops.get(Pickles.numelOps(ops).get(0));
        assertTrue(refused(withPickle(Pickles.replace(p, numel, Pickles.long1(BigInteger.valueOf(Long.MAX_VALUE)))))
                .contains("overflows 64 bits"));
        assertTrue(refused(withPickle(Pickles.replace(p, numel, Pickles.long1(BigInteger.valueOf(1 << 24))))).contains("holds"));
    }

    @Test
    void sharedGraphsCostTheirSizeNotTheirPaths() throws IOException {
        // 60 levels of lists holding the one below twice: 2^60 paths in a few hundred bytes
        String key = refused(withPickle(Pickles.sharedKey(60)));
        assertTrue(key.contains("as a dict key"), key);
        String m = refused(withPickle(Pickles.sharedRefusal(60)));
        assertTrue(m.contains("posix.system"), m);
        // as a value it is not a state dict; reading the whole pickle converts each list once, keeping the sharing
        Path shared = withPickle(Pickles.sharedValue(60));
        String value = assertThrows(CheckpointException.class, () -> Checkpoints.load(shared).close()).getMessage();
        assertTrue(value.contains("is not a tensor") && value.length() < 600, value);
        Object whole = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> PthReader.read(shared));
        List<?> top = (List<?>) ((Map<?, ?>) whole).get("x");
        assertTrue(top.get(0) == top.get(1), "the sharing is kept");
        String tuple = refused(withPickle(Pickles.tupleKey()));
        assertTrue(tuple.contains("as a dict key"), tuple);
    }

    @Test
    void cyclesAndDeepNestingAreRefusedWithoutExhaustingTheStack() throws IOException {
        Path cyclic = withPickle(Pickles.cyclic());
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(cyclic)).getMessage().contains("contains itself"));
        refused(cyclic);
        Path deep = withPickle(Pickles.deep(200_000));
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(deep)).getMessage().contains("levels deep"));
        refused(deep);
        assertTrue(refused(withPickle(Pickles.stackBomb(1_100_000))).contains("stack deeper"));
    }

    @Test
    void hugeStringLengthsAreRefused() throws IOException {
        for (long n : new long[] {Long.MAX_VALUE, (1L << 31) + 5, -1}) {
            assertTrue(refused(withPickle(Pickles.hugeString(n))).contains("truncated"));
        }
    }

    @Test
    void zipEntriesThatLieAboutTheirSizeOrContentAreRefused() throws IOException {
        List<Zips.Entry> entries = Zips.read(seed());
        int pkl = 0;
        int storage = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().endsWith("data.pkl")) {
                pkl = i;
            } else if (entries.get(i).name().endsWith("/data/0")) {
                storage = i;
            }
        }
        // data.pkl declared at its size, but inflating to 64 MB more
        List<Zips.Entry> bomb = new ArrayList<>(entries);
        Zips.Entry p = entries.get(pkl);
        bomb.set(pkl, p.withContent(java.util.Arrays.copyOf(p.content(), p.content().length + (64 << 20))).deflated(p.content().length, p.crc()));
        assertTrue(refused(Files.write(dir.resolve("bomb.pth"), Zips.write(bomb))).contains("more than its declared"));
        // a storage that inflates beyond its size
        List<Zips.Entry> storageBomb = new ArrayList<>(entries);
        Zips.Entry s = entries.get(storage);
        storageBomb.set(storage, s.withContent(java.util.Arrays.copyOf(s.content(), s.content().length + (8 << 20)))
                .deflated(s.content().length, s.crc()));
        assertTrue(refused(Files.write(dir.resolve("bomb2.pth"), Zips.write(storageBomb))).contains("more than its declared"));
        // a stored entry declaring more than it stores
        List<Zips.Entry> liar = new ArrayList<>(entries);
        liar.set(storage, new Zips.Entry(s.name(), s.content(), false, 1L << 31, s.crc(), s.stored()));
        assertTrue(refused(Files.write(dir.resolve("liar.pth"), Zips.write(liar))).contains("cannot hold"));
        // one flipped bit in a weight: the CRC says so
        List<Zips.Entry> flipped = new ArrayList<>(entries);
        byte[] c = s.content().clone();
        c[0] ^= 1;
        flipped.set(storage, new Zips.Entry(s.name(), c, false, c.length, s.crc(), c));
        assertTrue(refused(Files.write(dir.resolve("flip.pth"), Zips.write(flipped))).contains("CRC-32"));
        // honestly deflated entries are fine
        List<Zips.Entry> deflated = new ArrayList<>(entries);
        deflated.replaceAll(e -> e.deflated(e.content().length, e.crc()));
        try (Checkpoints.Weights w = Checkpoints.load(Files.write(dir.resolve("deflated.pth"), Zips.write(deflated)))) {
            assertArrayEquals(new float[] {2, 3, 4, 5}, w.tensors().get("view.slice").toFloatArray());
        }
    }

    @Test
    void aLocalHeaderPointingPastTheEndIsADamagedArchive() throws IOException {
        byte[] b = resource("state-dict.pth");
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x04034b50, buf.getInt(0), "the seed starts with data.pkl's local header");
        buf.putShort(28, (short) 0xffff);   // its extra field now runs past the end of the file
        String m = refused(Files.write(dir.resolve("past-end.pth"), b));
        assertTrue(m.contains("damaged"), m);
    }

    @Test
    void theLegacyFormatIsExplainedWithTheFix() throws IOException {
        Path legacy = Files.write(dir.resolve("legacy.pth"), resource("legacy.pth"));
        for (var read : List.<org.junit.jupiter.api.function.Executable>of(() -> Checkpoints.open(legacy).close(),
                () -> PthReader.read(legacy), () -> Checkpoints.load(legacy).close())) {
            String m = assertThrows(CheckpointException.class, read).getMessage();
            assertTrue(m.contains("legacy format") && m.contains("torch.save") && !m.contains("safetensors file"), m);
        }
    }

    @Test
    void theOfficialLayoutTakesTheEmaWeights() throws IOException {
        Path f = Files.write(dir.resolve("official.pth"), resource("official-layout.pth"));
        try (WeightsSource w = Checkpoints.open(f)) {
            assertEquals("params_ema", w.section());
            assertTrue(w.shapes().containsKey("0.weight"), w.shapes().keySet().toString());
        }
    }
}
