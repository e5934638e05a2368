package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one task type: its parse (any case, blanks, the stored upper-case form) and its name in the registry's JSON. */
class TaskTest {
    @TempDir
    Path dir;

    @Test
    void namesParseInAnyCaseWithBlanks() {
        assertEquals(Task.RESTORE, Task.parse(" Restore"));
        assertEquals(Task.INPAINT, Task.parse("INPAINT"));  // how checkpoints written before stored it
        assertEquals(Task.COLORIZE, Task.parse("colorize\n"));
        for (Task t : Task.values()) {
            assertEquals(t, Task.parse(t.id()));
            assertEquals(t.id(), t.toString());
        }
        assertEquals("restore", Task.RESTORE.id());
    }

    @Test
    void aWrongOrMissingNameSaysTheChoices() {
        assertEquals("unknown task 'denoise': use restore, inpaint or colorize",
                assertThrows(IllegalArgumentException.class, () -> Task.parse(" denoise ")).getMessage());
        assertEquals("no task given: use restore, inpaint or colorize",
                assertThrows(IllegalArgumentException.class, () -> Task.parse(null)).getMessage());
        assertEquals("no task given: use restore, inpaint or colorize",
                assertThrows(IllegalArgumentException.class, () -> Task.parse("  ")).getMessage());
    }

    @Test
    void theRegistryStoresTasksByTheirNames() throws IOException {
        // a registry file as earlier versions wrote it (task names in lower case), plus an entry of an unknown task
        Path weights = dir.resolve("w.safetensors");
        try (org.dicface.torch.Tensor t = org.dicface.torch.Tensor.zeros(2)) {
            SafeTensors.write(weights, java.util.Map.of("a", t), java.util.Map.of());
        }
        String file = weights.toAbsolutePath().toString().replace("\\", "\\\\");
        Files.writeString(dir.resolve("models.json"), "{\"inpaint\": {\"task\": \"inpaint\", \"file\": \"" + file
                + "\", \"sha256\": \"00\", \"bytes\": 1, \"licenceAccepted\": true, \"registered\": \"now\"},"
                + " \"denoise\": {\"task\": \"denoise\", \"file\": \"x\"}}");
        ModelRegistry read = new ModelRegistry(dir);
        assertEquals(java.util.Set.of(Task.INPAINT), read.entries().keySet());
        assertEquals(Task.INPAINT, read.get(Task.INPAINT).orElseThrow().task());

        read.register(Task.COLORIZE, weights, true);
        String json = Files.readString(dir.resolve("models.json"));
        assertTrue(json.contains("\"colorize\": {") && json.contains("\"task\": \"colorize\""), json);
        assertEquals(java.util.Set.of(Task.INPAINT, Task.COLORIZE), new ModelRegistry(dir).entries().keySet());
    }
}
