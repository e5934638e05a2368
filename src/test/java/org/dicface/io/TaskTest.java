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

    /** Weights this project trained store their configuration and task: no licence asked, a task mismatch warned. */
    @Test
    void projectWeightsNeedNoLicenceAndSayTheirTask() throws IOException {
        Path config = Path.of("models", "demo", "config.json");
        Path ours = dir.resolve("ours.safetensors");
        Path foreign = dir.resolve("foreign.safetensors");
        try (org.dicface.torch.Tensor t = org.dicface.torch.Tensor.zeros(2)) {
            SafeTensors.write(ours, java.util.Map.of("a", t), java.util.Map.of("config", Files.readString(config), "task", "RESTORE"));
            SafeTensors.write(foreign, java.util.Map.of("a", t), java.util.Map.of("config", "dicface-tiny"));
        }
        assertTrue(!ModelRegistry.needsLicence(ours));
        assertTrue(ModelRegistry.needsLicence(foreign), "a configuration's name is no configuration");
        Path pth = org.dicface.model.Fixture.file("checkpoint.pth");
        assertTrue(ModelRegistry.needsLicence(pth));
        assertTrue(!ModelRegistry.needsLicence(Path.of("models", "demo", "dicface-demo-restore.safetensors")));

        ModelRegistry registry = new ModelRegistry(dir);
        assertEquals(false, registry.register(Task.RESTORE, ours, false).licenceAccepted());
        assertEquals(ModelRegistry.LICENCE, assertThrows(IllegalArgumentException.class,
                () -> registry.register(Task.RESTORE, pth, false)).getMessage());

        assertTrue(org.dicface.model.ModelLoader.taskMismatch(ours, Task.RESTORE).isEmpty());
        String warning = org.dicface.model.ModelLoader.taskMismatch(ours, Task.COLORIZE).orElseThrow();
        assertTrue(warning.contains("trained to restore") && warning.contains("not to colorize"), warning);
        assertTrue(org.dicface.model.ModelLoader.taskMismatch(pth, Task.COLORIZE).isEmpty(), "the official files name no task");
        assertTrue(org.dicface.model.ModelLoader.taskMismatch(foreign, Task.COLORIZE).isEmpty(), "no task stored");
    }
}
