package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dicface.io.CheckpointException;
import org.dicface.io.SafeTensors;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration read from a file is hostile until checked: sane limits per field and on the size of the
 * whole network, checked before anything is built, and exact integers only.
 */
class ConfigLimitsTest {
    @TempDir
    Path dir;

    private static String official(String field, String value) {
        return DicFaceConfig.official().toJson().replaceFirst("\"" + field + "\": [^,\\n]+", "\"" + field + "\": " + value);
    }

    @Test
    void fieldsBeyondTheirLimitsAreRefusedBeforeAnythingIsBuilt() {
        Torch.init();
        long live = Torch.liveTensors();
        for (String[] c : new String[][] {{"nf", "4096"}, {"nf", "0"}, {"img_size", "1048576"}, {"res_blocks", "1000"},
            {"codebook_size", "2147483647"}, {"n_layers", "100000"}, {"n_head", "-8"}, {"dim_mlp", "2000000000"},
            {"frame_length", "0"}, {"codebook_dim", "65536"}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson(official(c[0], c[1])), c[0]);
            assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains("range"), e.getMessage());
        }
        assertEquals(live, Torch.liveTensors(), "nothing was allocated");
    }

    @Test
    void aNetworkTooLargeAsAWholeIsRefused() {
        // every field inside its range, but together some 10^10 parameters
        var e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.standard(512, 1024, List.of(1, 2, 2, 4, 4, 8), 8,
                List.of(16), 1024, 256, 512, 8, 9, 1024, 5, List.of(32, 64, 128, 256)));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        double official = DicFaceConfig.official().estimatedParameters();
        assertTrue(Math.abs(official - 116_187_075) < 0.05 * 116_187_075, "estimate " + official);
    }

    @Test
    void numbersMustBeExactIntegers() {
        for (String v : new String[] {"4.9", "64.0", "6.4e1", "9223372036854775807", "\"64\"", "null", "[64]"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson(official("nf", v)), v);
            assertTrue(e.getMessage().contains("'nf'") || e.getMessage().contains("nf"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson("{\"nf\": 64, \"nf\": 32}"));
        assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson("{// lenient\n}"));
        assertEquals(DicFaceConfig.official(), DicFaceConfig.fromJson(DicFaceConfig.official().toJson()));
    }

    @Test
    void channelCountsMustSuitGroupNorm() {
        var e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson(official("nf", "33")));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
    }

    @Test
    void aHostileConfigInTheMetadataIsACheckpointError() throws IOException {
        Path f = dir.resolve("w.safetensors");
        try (Scope scope = Scope.open()) {
            SafeTensors.write(f, Map.of("x", Tensor.zeros(1)), Map.of("config", official("nf", "4096")));
        }
        Torch.init();
        long live = Torch.liveTensors();
        var e = assertThrows(CheckpointException.class, () -> ModelLoader.storedConfig(f));
        assertTrue(e.getMessage().contains("nf is 4096") && e.getMessage().contains(f.toString()), e.getMessage());
        assertEquals(live, Torch.liveTensors());
    }
}
