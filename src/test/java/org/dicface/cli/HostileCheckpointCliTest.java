package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.dicface.io.SafeTensors;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.Fixture;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front-ends on broken and hostile checkpoints: one line naming the file and the problem, exit 1, no
 * stack trace; and info on the project's own fixture, whose metadata names its configuration.
 */
class HostileCheckpointCliTest {
    @TempDir
    Path dir;

    private Path legacy() throws IOException {
        try (InputStream in = HostileCheckpointCliTest.class.getResourceAsStream("/org/dicface/fuzz/legacy.pth")) {
            return Files.write(dir.resolve("legacy.pth"), in.readAllBytes());
        }
    }

    private static void oneClearLine(CliTest.Run run, String command, String fragment) {
        assertEquals(1, run.exit(), run.err());
        String err = run.err().strip();
        assertTrue(err.startsWith("dicface " + command + ": ") && err.contains(fragment), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void brokenCheckpointsGetOneLine() throws IOException {
        Path truncated = Files.write(dir.resolve("t.safetensors"), new byte[] {40, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        oneClearLine(CliTest.run("info", truncated.toString()), "info", "header length 40");
        Path lenient = Files.write(dir.resolve("l.safetensors"),
                new byte[] {9, 0, 0, 0, 0, 0, 0, 0, '{', '/', '*', 'x', '*', '/', ' ', ' ', '}'});
        oneClearLine(CliTest.run("convert", lenient.toString(), dir.resolve("out.safetensors").toString()), "convert",
                "not a JSON object");
        assertFalse(Files.exists(dir.resolve("out.safetensors")));
        oneClearLine(CliTest.run("info", legacy().toString()), "info", "legacy format");
        // forward reads its input first: a small model's, so that the weights are what fails
        DicFaceConfig small = DicFaceConfig.standard(16, 32, List.of(1, 1, 1), 1, List.of(), 8, 32, 8, 1, 1, 8, 1, List.of(8));
        Path config = Files.writeString(dir.resolve("small.json"), small.toJson());
        Path input = dir.resolve("in.safetensors");
        try (Scope scope = Scope.open()) {
            SafeTensors.write(input, Map.of("input", Tensor.zeros(1, 3, 16, 16)), Map.of());
        }
        oneClearLine(CliTest.run("forward", "--config", config.toString(), "--weights", legacy().toString(), "--input",
                input.toString(), "--output", dir.resolve("o.safetensors").toString()), "forward", "legacy format");
        assertFalse(Files.exists(dir.resolve("o.safetensors")));
    }

    @Test
    void restoreWithBrokenWeightsFailsBeforeTouchingTheInput() throws IOException {
        Path clip = Files.write(dir.resolve("clip.tif"), new byte[] {1, 2, 3});
        Path out = dir.resolve("out");
        oneClearLine(CliTest.run("restore", clip.toString(), "--weights", legacy().toString(), "-o", out.toString()),
                "restore", "legacy format");
    }

    @Test
    void infoOnTheFixtureSaysWhichConfigurationItMatches() {
        Path weights = Fixture.file("weights.safetensors");
        Path config = Fixture.file("config.json");
        CliTest.Run run = CliTest.run("info", weights.toString(), "--config", config.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("tensors:    458"), run.out());
        assertTrue(run.out().contains("parameters: 1,350,019"), run.out());
        assertTrue(run.out().contains("the metadata names \"dicface-tiny\", not a configuration"), run.out());
        assertTrue(run.out().contains("matches:    " + config), run.out());
        assertTrue(run.out().contains("differs from official DicFace"), run.out());
    }
}
