package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.torch.DType;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors round trips, and a clear error (never a crash) for each way a file can be malformed. */
class SafeTensorsTest extends ScopedTest {
    @TempDir
    Path dir;



    @Test
    void roundTripOfEveryDtypeWithMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b.f32", Tensor.of(new float[] {1.5f, -2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a.i64", Tensor.of(new long[] {7, -8}, 2));
        tensors.put("c.f16", Tensor.of(new float[] {0.25f, 65504}, 2).to(DType.FLOAT16));
        tensors.put("d.bf16", Tensor.of(new float[] {1, -3}, 2).to(DType.BFLOAT16));
        tensors.put("e.u8", Tensor.fromBytes(new byte[] {1, (byte) 255}, DType.UINT8, 2));
        tensors.put("f.scalar", Tensor.scalar(9));
        tensors.put("g.empty", Tensor.zeros(0, 3));
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals(tensors.keySet().stream().sorted().toList(), st.entries().keySet().stream().toList());
            for (var e : tensors.entrySet()) {
                Tensor back = st.load(e.getKey());
                assertEquals(e.getValue().dtype(), back.dtype(), e.getKey());
                assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
                assertArrayEquals(e.getValue().toBytes(), back.toBytes(), e.getKey());
            }
        }
        // the data section starts 8-byte aligned and nothing is left behind
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file remains");
        }
    }

    @Test
    void readsTheFixture() throws IOException {
        Path io = org.dicface.model.Fixture.file("io.safetensors");
        try (SafeTensors st = SafeTensors.open(io)) {
            assertArrayEquals(new long[] {5, 3, 128, 128}, st.entries().get("input").shape());
            assertEquals(-54.4833, st.load("kl_official").item(), 1e-3);
        }
    }

    /** The header length that matches the header. */
    private static final long OWN = Long.MIN_VALUE;

    private Path file(long headerLength, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength == OWN ? h.length : headerLength).put(h);
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private void rejected(Path f, String fragment) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void malformedFilesAreRejectedWithAClearMessage() throws IOException {
        String ok = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        rejected(file(1L << 40, ok, 8), "header length 1099511627776 does not fit");
        rejected(file(-5, ok, 8), "header length -5");
        rejected(file(ok.length() - 2, ok.substring(0, ok.length() - 2), 8), "not a JSON object");
        rejected(file(OWN, "{\"x\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unsupported safetensors dtype 'Q7'");
        rejected(file(OWN, "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes, its range holds 8");
        rejected(file(OWN, "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,80]}}", 8), "outside the 8 data bytes");
        rejected(file(OWN, "{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "negative dimension");
        rejected(file(OWN, "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        Path tiny = Files.write(dir.resolve("tiny"), new byte[3]);
        rejected(tiny, "only 3 bytes");
    }

    @Test
    void failedWritesLeaveTheOldFileIntact() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        SafeTensors.write(file, Map.of("a", Tensor.ones(2)), Map.of());
        byte[] before = Files.readAllBytes(file);
        Tensor closed = Tensor.ones(2);
        closed.close();
        assertThrows(IllegalStateException.class, () -> SafeTensors.write(file, Map.of("a", closed), Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".part")));
        }
    }
}
