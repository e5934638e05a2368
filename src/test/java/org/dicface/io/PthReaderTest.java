package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.dicface.torch.LiveHandles;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restricted unpickler: reads state dicts, refuses everything else without running it. */
class PthReaderTest {
    @TempDir
    Path dir;

    private Path archive(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path f = Files.createTempFile(dir, "ckpt", ".pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle);
            for (var e : storages.entrySet()) {
                zip.putNextEntry(new ZipEntry("archive/data/" + e.getKey()));
                zip.write(e.getValue());
            }
        }
        return f;
    }

    /** A protocol-2 pickle of {'w': tensor(FloatStorage key '0', offset 1, size (2,), stride (2,))}, by hand. */
    private static byte[] stateDictPickle(String storageGlobal) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.write('}');                                       // {}
        text(p, "X", "w");
        p.writeBytes(("ctorch._utils\n_rebuild_tensor_v2\n").getBytes(StandardCharsets.US_ASCII));
        p.write('(');                                       // mark for the args tuple
        p.write('(');                                       // persistent id tuple
        text(p, "X", "storage");
        p.writeBytes(("c" + storageGlobal + "\n").getBytes(StandardCharsets.US_ASCII));
        text(p, "X", "0");
        text(p, "X", "cpu");
        p.write('K');
        p.write(4);
        p.write('t');
        p.write('Q');                                       // BINPERSID
        p.write('K');
        p.write(1);                                         // offset 1
        p.write('K');
        p.write(2);
        p.write(0x85);                                      // (2,)
        p.write('K');
        p.write(2);
        p.write(0x85);                                      // stride (2,)
        p.write(0x89);                                      // False
        p.writeBytes("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write('R');                                       // OrderedDict()
        p.write('t');
        p.write('R');                                       // _rebuild_tensor_v2(*args)
        p.write('s');                                       // d['w'] = tensor
        p.write('.');
        return p.toByteArray();
    }

    private static void text(ByteArrayOutputStream p, String op, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(op.charAt(0));
        p.write(b.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(b);
    }

    private static byte[] floats(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void readsAStridedViewOfAStorage() throws IOException {
        Path f = archive(stateDictPickle("torch\nFloatStorage"), Map.of("0", floats(10, 11, 12, 13)));
        Object root = PthReader.read(f);
        Tensor w = (Tensor) ((Map<?, ?>) root).get("w");
        try (w) {
            assertArrayEquals(new float[] {11, 13}, w.toFloatArray(), "offset 1, stride 2");
        }
        try (Checkpoints.Weights weights = Checkpoints.load(f)) {
            assertEquals(Checkpoints.Format.PYTORCH, weights.format());
            assertEquals("", weights.section(), "a plain state dict");
        }
    }

    @Test
    void refusesAnyOtherGlobalWithoutRunningIt() throws IOException {
        Path f = archive(stateDictPickle("os\nsystem"), Map.of("0", floats(1, 2, 3, 4)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(f));
        assertTrue(e.getMessage().contains("refusing to load: the pickle asks for os.system"), e.getMessage());
    }

    @Test
    void refusesObjectBuildingOpcodes() throws IOException {
        byte[] pickle = {(byte) 0x80, 2, ')', (byte) 0x81, '.'};  // NEWOBJ
        Path f = archive(pickle, Map.of());
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(f));
        assertTrue(e.getMessage().contains("opcode 0x81"), e.getMessage());
    }

    @Test
    void truncatedOrInconsistentFilesAreExplained() throws IOException {
        byte[] full = stateDictPickle("torch\nFloatStorage");
        Path truncated = archive(java.util.Arrays.copyOf(full, full.length / 2), Map.of("0", floats(1, 2, 3, 4)));
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(truncated)).getMessage().contains("malformed"));
        Path shortStorage = archive(full, Map.of("0", floats(1)));
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(shortStorage)).getMessage()
                .contains("holds 4 bytes, not 4 elements"));
        Path missing = archive(full, Map.of());
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(missing)).getMessage().contains("missing"));
        Path notZip = Files.write(dir.resolve("legacy.pth"), new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
        assertTrue(assertThrows(CheckpointException.class, () -> PthReader.read(notZip)).getMessage().contains("legacy format"));
    }

    @Test
    void readsTheOfficialLayoutOfTheFixture() throws IOException {
        Path pth = org.dicface.model.Fixture.file("checkpoint.pth");
        LiveHandles.Check handles = LiveHandles.check();
        try (Checkpoints.Weights w = Checkpoints.load(pth)) {
            assertEquals("params_ema", w.section());
            assertEquals(458, w.tensors().size());
            assertEquals("position_emb", w.tensors().keySet().iterator().next(), "official order");
            assertEquals(458, handles.added(), "the unused 'params' copy is never read");
        }
        handles.assertNothingLeft("loading the fixture's checkpoint");
    }

    /** Filling a model reads one tensor at a time: never a second full copy of the weights in memory. */
    @Test
    void aModelIsFilledOneTensorAtATime() throws IOException {
        Path pth = org.dicface.model.Fixture.file("checkpoint.pth");
        var config = org.dicface.model.DicFaceConfig.read(org.dicface.model.Fixture.file("config.json"));
        try (WeightsSource source = Checkpoints.open(pth); var model = new org.dicface.model.DicFace(config)) {
            assertEquals("params_ema", source.section());
            LiveHandles.Check handles = LiveHandles.check();
            long[] mostExtra = {0};
            model.loadStateDict(source.shapes(), name -> {
                Tensor t = source.load(name);
                mostExtra[0] = Math.max(mostExtra[0], handles.added());
                return t;
            });
            assertEquals(1, mostExtra[0], "one checkpoint tensor alive at a time");
            handles.assertNothingLeft("filling the model");
        }
    }
}
