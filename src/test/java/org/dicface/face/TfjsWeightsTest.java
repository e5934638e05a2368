package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dicface.io.CheckpointException;
import org.dicface.torch.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TF.js weights reader on manifests the test writes: every encoding TF.js defines decodes to the values
 * {@code tf.io.decodeWeights} gives (worked out here by hand), weights may span shards, and hostile manifests
 * are refused with one message naming the file and the problem.
 */
class TfjsWeightsTest {
    @TempDir
    Path dir;

    /**
     * Group 0 (shards a.bin, b.bin): f float32 [2,2] raw; q float32 [3] uint8 (scale 0.5, min -1); i int32 []
     * uint8 (scale 1, min 3); h float32 [2] float16. Group 1 (c.bin): r int32 [2] raw; u float32 [2] uint16
     * (scale 0.25, min 10).
     */
    private static final String MANIFEST = """
            [{"paths":["a.bin","b.bin"],"weights":[
              {"name":"f","shape":[2,2],"dtype":"float32"},
              {"name":"q","shape":[3],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1}},
              {"name":"i","shape":[],"dtype":"int32","quantization":{"dtype":"uint8","scale":1,"min":3}},
              {"name":"h","shape":[2],"dtype":"float32","quantization":{"dtype":"float16"}}]},
             {"paths":["c.bin"],"weights":[
              {"name":"r","shape":[2],"dtype":"int32"},
              {"name":"u","shape":[2],"dtype":"float32","quantization":{"dtype":"uint16","scale":0.25,"min":10}}]}]
            """;

    private static byte[] group0() {
        ByteBuffer b = ByteBuffer.allocate(16 + 3 + 1 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1.5f).putFloat(-2).putFloat(3).putFloat(4.25f);
        b.put((byte) 0).put((byte) 3).put((byte) 255);
        b.put((byte) 4);
        b.putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-3));
        return b.array();
    }

    private static byte[] group1() {
        ByteBuffer b = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(-7).putInt(123456);
        b.putShort((short) 2).putShort((short) 65535);
        return b.array();
    }

    private Path write(String manifest, byte[] a, byte[] b, byte[] c) throws IOException {
        Path m = Files.writeString(dir.resolve("model-weights_manifest.json"), manifest);
        if (a != null) {
            Files.write(dir.resolve("a.bin"), a);
        }
        if (b != null) {
            Files.write(dir.resolve("b.bin"), b);
        }
        if (c != null) {
            Files.write(dir.resolve("c.bin"), c);
        }
        return m;
    }

    /** The valid files, group 0 split across its two shards in the middle of weight q. */
    private Path valid() throws IOException {
        byte[] g0 = group0();
        byte[] a = java.util.Arrays.copyOfRange(g0, 0, 17);
        byte[] b = java.util.Arrays.copyOfRange(g0, 17, g0.length);
        return write(MANIFEST, a, b, group1());
    }

    @Test
    void everyEncodingDecodesAsTfjsDoes() throws IOException {
        try (TfjsWeights w = TfjsWeights.read(valid())) {
            assertEquals(java.util.List.of("f", "q", "i", "h", "r", "u"), java.util.List.copyOf(w.tensors().keySet()));
            assertArrayEquals(new long[] {2, 2}, w.get("f").shape());
            assertArrayEquals(new float[] {1.5f, -2, 3, 4.25f}, w.get("f").toFloatArray());
            assertArrayEquals(new float[] {-1, 0.5f, 126.5f}, w.get("q").toFloatArray());
            assertEquals(DType.INT32, w.get("i").dtype());
            assertEquals(0, w.get("i").dim());
            assertEquals(7, w.get("i").toIntArray()[0]);
            assertArrayEquals(new float[] {0.5f, -3}, w.get("h").toFloatArray());
            assertArrayEquals(new int[] {-7, 123456}, w.get("r").toIntArray());
            assertArrayEquals(new float[] {10.5f, 10 + 65535 * 0.25f}, w.get("u").toFloatArray());
            assertEquals(DType.FLOAT32, w.get("u").dtype());
        }
    }

    @Test
    void aMissingWeightIsNamed() throws IOException {
        try (TfjsWeights w = TfjsWeights.read(valid())) {
            mentions(refused(() -> w.get("nope")), "no weight 'nope'");
        }
    }

    @Test
    void theBundledManifestsLoad() throws IOException {
        try (TfjsWeights ssd = TfjsWeights.readResource(TfjsWeights.class, "face-api/ssd_mobilenetv1_model-weights_manifest.json");
                TfjsWeights lm = TfjsWeights.readResource(TfjsWeights.class, "face-api/face_landmark_68_model-weights_manifest.json")) {
            assertEquals(151, ssd.tensors().size());
            assertArrayEquals(new long[] {3, 3, 3, 32}, ssd.get("MobilenetV1/Conv2d_0_pointwise/weights").shape());
            assertEquals(5118, ssd.get("Postprocessor/stack/1").toIntArray()[0]);
            assertEquals(49, lm.tensors().size());
            assertArrayEquals(new long[] {256, 136}, lm.get("fc/weights").shape());
        }
    }

    private static void mentions(String message, String fragment) {
        assertTrue(message.contains(fragment), message);
    }

    private static String refused(org.junit.jupiter.api.function.Executable e) {
        CheckpointException x = assertThrows(CheckpointException.class, e);
        assertTrue(x.getMessage().length() < 600 && !x.getMessage().contains("Exception"), x.getMessage());
        return x.getMessage();
    }

    private String refusedFiles(String manifest, byte[] a, byte[] b, byte[] c) throws IOException {
        Path m = write(manifest, a, b, c);
        String message = refused(() -> TfjsWeights.read(m).close());
        assertTrue(message.contains(m.toString()), message);
        return message;
    }

    @Test
    void shardsOfTheWrongSizeAreRefused() throws IOException {
        byte[] g0 = group0();
        String shortBy = refusedFiles(MANIFEST, java.util.Arrays.copyOf(g0, 10), new byte[0], group1());
        assertTrue(shortBy.contains("take 24 bytes") && shortBy.contains("hold only 10"), shortBy);
        String longer = refusedFiles(MANIFEST, g0, new byte[] {1}, group1());
        assertTrue(longer.contains("more bytes than the 24"), longer);
    }

    @Test
    void aMissingShardIsNamed() throws IOException {
        Files.deleteIfExists(dir.resolve("c.bin"));
        String m = refusedFiles(MANIFEST, group0(), new byte[0], null);
        assertTrue(m.contains("c.bin") && m.contains("missing"), m);
    }

    @Test
    void hugeShapesAreRefusedWithoutAllocating() throws IOException {
        String huge = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[2147483647,2147483647,2147483647],"
                + "\"dtype\":\"float32\"}]}]";
        mentions(refusedFiles(huge, new byte[4], null, null), "implausibly large shape");
        String overflow = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[9223372036854775807],"
                + "\"dtype\":\"float32\"}]}]";
        mentions(refusedFiles(overflow, new byte[4], null, null), "outside");
        String negative = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[-1],\"dtype\":\"float32\"}]}]";
        mentions(refusedFiles(negative, new byte[4], null, null), "outside");
        String fraction = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1.0],\"dtype\":\"float32\"}]}]";
        mentions(refusedFiles(fraction, new byte[4], null, null), "must be an integer");
        // three weights of 32 M values each: their total passes the limit before any shard is read
        String many = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[33554432],\"dtype\":\"float32\"},"
                + "{\"name\":\"y\",\"shape\":[33554432],\"dtype\":\"float32\"},"
                + "{\"name\":\"z\",\"shape\":[33554432],\"dtype\":\"float32\"}]}]";
        mentions(refusedFiles(many, new byte[4], null, null), "more than 64 M values");
    }

    @Test
    void malformedManifestsAreRefused() throws IOException {
        mentions(refusedFiles("{\"paths\":[]}", null, null, null), "not a JSON array");
        mentions(refusedFiles("[{\"paths\":[\"a.bin\"],\"weights\":[]}] x", null, null, null), "malformed JSON");
        mentions(refusedFiles("[]", null, null, null), "0 weight groups");
        assertTrue(refusedFiles("[{\"paths\":[\"../a.bin\"],\"weights\":[]}]", null, null, null)
                .contains("not a plain relative file name"));
        assertTrue(refusedFiles("[{\"paths\":[\"/etc/passwd\"],\"weights\":[]}]", null, null, null)
                .contains("not a plain relative file name"));
        String dup = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1],\"dtype\":\"float32\"},"
                + "{\"name\":\"x\",\"shape\":[1],\"dtype\":\"float32\"}]}]";
        mentions(refusedFiles(dup, new byte[8], null, null), "appears twice");
        String string = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1],\"dtype\":\"string\"}]}]";
        mentions(refusedFiles(string, new byte[8], null, null), "only float32 and int32");
        String noScale = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1],\"dtype\":\"float32\","
                + "\"quantization\":{\"dtype\":\"uint8\",\"min\":0}}]}]";
        mentions(refusedFiles(noScale, new byte[1], null, null), "scale");
        String int8 = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1],\"dtype\":\"float32\","
                + "\"quantization\":{\"dtype\":\"int8\",\"scale\":1,\"min\":0}}]}]";
        mentions(refusedFiles(int8, new byte[1], null, null), "uint8, uint16 and float16");
        Path bad = dir.resolve("bad.json");
        Files.write(bad, new byte[] {'[', (byte) 0xC3, ']'});
        String notUtf8 = refused(() -> TfjsWeights.read(bad).close());
        assertTrue(notUtf8.contains("not UTF-8"), notUtf8);
    }

    @Test
    void nonFiniteValuesAreRefused() throws IOException {
        String one = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1],\"dtype\":\"float32\"}]}]";
        byte[] nan = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array();
        mentions(refusedFiles(one, nan, null, null), "not finite");
        String bigMin = "[{\"paths\":[\"a.bin\"],\"weights\":[{\"name\":\"x\",\"shape\":[1],\"dtype\":\"float32\","
                + "\"quantization\":{\"dtype\":\"uint8\",\"scale\":1e300,\"min\":0}}]}]";
        mentions(refusedFiles(bigMin, new byte[] {(byte) 200}, null, null), "not finite");
    }

    @Test
    void randomlyCorruptedFilesGiveOnlyClearErrors() throws IOException {
        // mutations of the valid files: characters of the manifest replaced, deleted or repeated, shards cut or
        // grown; each case loads (the mutation was harmless) or is refused with one CheckpointException
        java.util.Random random = new java.util.Random(12);
        String alphabet = "[]{}\",:0123456789-.eE \\abcdefghijklmnopqrstuvwxyz/";
        byte[] g0 = group0();
        int loaded = 0;
        for (int n = 0; n < 300; n++) {
            StringBuilder m = new StringBuilder(MANIFEST);
            for (int k = random.nextInt(3) + 1; k > 0; k--) {
                int at = random.nextInt(m.length());
                switch (random.nextInt(3)) {
                    case 0 -> m.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> m.delete(at, Math.min(m.length(), at + 1 + random.nextInt(8)));
                    default -> m.insert(at, m.substring(at, Math.min(m.length(), at + 1 + random.nextInt(8))));
                }
            }
            byte[] a = java.util.Arrays.copyOf(g0, random.nextInt(4) == 0 ? random.nextInt(40) : g0.length);
            Path file = write(m.toString(), a, new byte[0], group1());
            try (TfjsWeights w = TfjsWeights.read(file)) {
                loaded += w.tensors().isEmpty() ? 0 : 1;
            } catch (CheckpointException e) {
                assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().length() < 600, e.getMessage());
            }
        }
        assertTrue(loaded > 0 && loaded < 300, loaded + " of 300 mutated cases loaded");
    }

    @Test
    void aMissingManifestIsNamed() {
        Path m = dir.resolve("none.json");
        mentions(refused(() -> TfjsWeights.read(m)), "does not exist");
        assertTrue(refused(() -> TfjsWeights.readResource(TfjsWeights.class, "face-api/none.json"))
                .contains("missing from the class path"));
    }
}
