package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files that a lenient reader would accept but load wrongly: the format is followed as strictly
 * as its reference implementation does (strict JSON, exact integers, ranges contiguous from 0 that cover the
 * data exactly), and each violation is one clear {@link CheckpointException}.
 */
class HostileSafeTensorsTest {
    @TempDir
    Path dir;

    /** Two float32 tensors a = [1, 2] and b = [3], 12 data bytes. */
    private static final String VALID = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";

    private static byte[] data() {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).array();
    }

    private Path file(byte[] header, long declaredLength, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return Files.write(Files.createTempFile(dir, "st", ".safetensors"), out.toByteArray());
    }

    private Path file(String header) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h, h.length, data());
    }

    private static String refused(Path f) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().length() < 600 && !e.getMessage().contains("Exception"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theValidFileLoadsItsValues() throws IOException {
        try (Scope scope = Scope.open(); SafeTensors st = SafeTensors.open(file(VALID))) {
            assertArrayEquals(new float[] {1, 2}, st.load("a").toFloatArray());
            assertArrayEquals(new float[] {3}, st.load("b").toFloatArray());
        }
    }

    @Test
    void numbersBeyond64BitsAndFractionsAreRefusedNotWrapped() throws IOException {
        // 2^64 + 2 would wrap to 2, 2^64 + 8 to 8, and 2.9 truncate to 2: each then "fits" the data
        assertTrue(refused(file(VALID.replace("\"shape\":[2]", "\"shape\":[18446744073709551618]"))).contains("dimension"));
        assertTrue(refused(file(VALID.replace("[0,8]", "[0,18446744073709551624]"))).contains("end offset"));
        assertTrue(refused(file(VALID.replace("\"shape\":[2]", "\"shape\":[2.9]"))).contains("must be an integer"));
        assertTrue(refused(file(VALID.replace("\"shape\":[2]", "\"shape\":[2.0]"))).contains("must be an integer"));
        assertTrue(refused(file(VALID.replace("\"shape\":[2]", "\"shape\":[2e0]"))).contains("must be an integer"));
        refused(file(VALID.replace("\"shape\":[2]", "\"shape\":[4611686018427387904,4]")));   // 2^62 x 4 overflows
        refused(file(VALID.replace("[8,12]", "[9223372036854775807,12]")));
    }

    @Test
    void lenientJsonIsRefused() throws IOException {
        for (String lenient : new String[] {
            "{/* comment */" + VALID.substring(1),
            VALID.replace("\"dtype\"", "dtype"),
            VALID.replace("\"dtype\"", "'dtype'"),
            VALID.substring(0, VALID.length() - 1) + ",}",
            VALID + " {}",
            " " + VALID,
            VALID.replaceFirst(",\"shape\"", "\n// x\n,\"shape\""),
            VALID.replace("\"F32\"", "\"F\u000132\"")}) {
            assertTrue(refused(file(lenient)).contains("not a JSON object"), lenient);
        }
        // a duplicate key would silently keep the last entry
        String duplicate = VALID.substring(0, VALID.length() - 1) + ",\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[12,12]}}";
        assertTrue(refused(file(duplicate)).contains("appears twice"));
    }

    @Test
    void invalidUtf8NamesAreRefused() throws IOException {
        byte[] h = VALID.getBytes(StandardCharsets.UTF_8);
        h[2] = (byte) 0xff;   // the name "a"
        assertTrue(refused(file(h, h.length, data())).contains("not valid UTF-8"));
    }

    @Test
    void aHeaderLengthOffByOneCannotShiftTheData() throws IOException {
        Path good = dir.resolve("good.safetensors");
        try (Scope scope = Scope.open()) {
            SafeTensors.write(good, Map.of("x", Tensor.of(new float[] {1, 2, 3}, 3)), Map.of());
        }
        byte[] bytes = Files.readAllBytes(good);
        long length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (long delta : new long[] {-1, 1, -8, 8}) {
            byte[] shifted = bytes.clone();
            ByteBuffer.wrap(shifted).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length + delta);
            refused(Files.write(dir.resolve("shifted" + delta + ".safetensors"), shifted));
        }
        try (Scope scope = Scope.open(); SafeTensors st = SafeTensors.open(good)) {
            assertArrayEquals(new float[] {1, 2, 3}, st.load("x").toFloatArray());
        }
    }

    @Test
    void rangesMustBeContiguousAndCoverTheDataExactly() throws IOException {
        assertTrue(refused(file(VALID.replace("[8,12]", "[4,8]").replace("\"shape\":[1]", "\"shape\":[1]"))).contains("overlap"));
        byte[] h = VALID.getBytes(StandardCharsets.UTF_8);
        byte[] longer = java.util.Arrays.copyOf(data(), 16);
        assertTrue(refused(file(h, h.length, longer)).contains("cover 12 bytes"));
        assertTrue(refused(file(h, h.length, java.util.Arrays.copyOf(data(), 11))).contains("outside the 11 data bytes"));
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertTrue(refused(file(gap)).contains("gap of 4 bytes"));
    }

    @Test
    void fieldsOfTheWrongTypeAreExplained() throws IOException {
        assertTrue(refused(file("{\"__metadata__\":{\"k\":null}," + VALID.substring(1))).contains("metadata 'k' must be a string"));
        assertTrue(refused(file("{\"__metadata__\":[]," + VALID.substring(1))).contains("__metadata__ must be a JSON object"));
        assertTrue(refused(file(VALID.replace("\"F32\",\"shape\":[1]", "\"U16\",\"shape\":[2]"))).contains("unsupported safetensors dtype"));
        assertTrue(refused(file(VALID.replace(",\"data_offsets\":[8,12]", ""))).contains("data_offsets must be a JSON array"));
        assertTrue(refused(file(VALID.replace("[8,12]", "[8]"))).contains("two numbers"));
        assertTrue(refused(file("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}")).contains("nested deeper"));
    }

    @Test
    void aHeaderBeyondTheLimitIsRefusedBeforeItIsRead() throws IOException {
        byte[] h = VALID.getBytes(StandardCharsets.UTF_8);
        assertTrue(refused(file(h, 100_000_001L, data())).contains("100 MB"));
        assertTrue(refused(file(h, Long.MAX_VALUE, data())).contains("does not fit"));
        assertTrue(refused(file(h, Long.MIN_VALUE, data())).contains("does not fit"));
    }

    @Test
    void aStringConfigIsNotReadAsAConfiguration() throws IOException {
        Path named = file("{\"__metadata__\":{\"config\":\"dicface-tiny\"}," + VALID.substring(1));
        assertEquals(java.util.Optional.empty(), org.dicface.model.ModelLoader.storedConfig(named));
    }
}
