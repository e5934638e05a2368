package org.dicface.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The golden tensors of the official implementation, in the team's shared folder beside the project. */
public final class Fixture {
    public static final Path DIR = Path.of(System.getProperty("dicface.fixtures", "../shared/fixtures/dicface-tiny"));

    private Fixture() {
    }

    public static Path file(String name) {
        Path p = DIR.resolve(name);
        assumeTrue(Files.exists(p), "fixture " + p + " is not available");
        return p;
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
