package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden tensors of the official implementation (testdata/dicface-tiny, with a README on how they were
 * made) and the official state-dict listing. They are part of the repository: a missing file fails the test.
 */
public final class Fixture {
    public static final Path DIR = Path.of(System.getProperty("dicface.fixtures", "testdata/dicface-tiny"));
    /** Key, shape and size of every tensor of the official 512 model's state dict, in its order. */
    public static final Path STATE_DICT_TSV = Path.of("testdata/dicface-state-dict.tsv");

    private Fixture() {
    }

    public static Path file(String name) {
        Path p = DIR.resolve(name);
        assertTrue(Files.isRegularFile(p), "fixture " + p.toAbsolutePath() + " is missing (it belongs to the repository)");
        return p;
    }

    /** The official state-dict listing; fails when it is missing. */
    public static Path stateDictListing() {
        assertTrue(Files.isRegularFile(STATE_DICT_TSV), "reference listing " + STATE_DICT_TSV.toAbsolutePath() + " is missing");
        return STATE_DICT_TSV;
    }

    /** The fixture's model (its config.json and weights) on the CPU; the caller closes it. */
    public static DicFace model() throws java.io.IOException {
        return ModelLoader.load(DicFaceConfig.read(file("config.json")), file("weights.safetensors"), org.dicface.torch.Device.CPU);
    }

    /** Relative error as the fixture README defines it: max |mine - ref| / max |ref|. */
    public static double relativeError(float[] mine, float[] ref) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(mine[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return maxDiff / maxRef;
    }
}
