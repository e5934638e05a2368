package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.dicface.io.SafeTensors;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.dicface.train.TrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "auto" takes the configuration stored in safetensors weights, and falls back to the official one. */
public class ModelLoaderTest extends ScopedTest {
    @TempDir
    Path dir;

    @Test
    void autoReadsTheConfigurationStoredInTheWeights() throws Exception {
        Path with = dir.resolve("with.safetensors");
        SafeTensors.write(with, Map.of("x", Tensor.zeros(1)), Map.of("config", TrainerTest.TINY.toJson()));
        assertEquals(TrainerTest.TINY.toJson(), ModelLoader.config("auto", with).toJson());
        Path without = dir.resolve("without.safetensors");
        SafeTensors.write(without, Map.of("x", Tensor.zeros(1)), Map.of());
        assertEquals(DicFaceConfig.official().toJson(), ModelLoader.config("auto", without).toJson());
        Path pth = Files.write(dir.resolve("official.pth"), new byte[] {1, 2, 3});  // not opened: .pth has no metadata
        assertEquals(DicFaceConfig.official().toJson(), ModelLoader.config("auto", pth).toJson());
        assertEquals(DicFaceConfig.official().toJson(), ModelLoader.config("official", with).toJson(), "a named config wins");
        Path json = Files.writeString(dir.resolve("tiny.json"), TrainerTest.TINY.toJson());
        assertEquals(TrainerTest.TINY.toJson(), ModelLoader.config(json.toString(), without).toJson());
    }
}
