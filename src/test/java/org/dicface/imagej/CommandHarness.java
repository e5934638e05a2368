package org.dicface.imagej;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.model.Fixture;
import org.dicface.torch.ScopedTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/**
 * The Fiji commands run headless through a SciJava context with its own home folder, as Fiji's macro and headless
 * modes run them. Dialog values persist between runs, as in Fiji, so {@link #run} sets every one the commands read
 * to the fixture model and the defaults; a test names only what it changes.
 */
abstract class CommandHarness extends ScopedTest {
    static Context context;
    static CommandService commands;
    @TempDir
    static Path home;

    @BeforeAll
    static void start() {
        System.setProperty("dicface.home", home.toString());
        context = new Context();
        commands = context.service(CommandService.class);
    }

    @AfterAll
    static void stop() {
        context.dispose();
        System.clearProperty("dicface.home");
    }

    /** Runs a command on the fixture model with every persisted value at its default, then {@code extra} (key, value, …). */
    static CommandModule run(Class<? extends Command> command, Object... extra) throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("weights", Fixture.file("weights.safetensors").toFile());
        inputs.put("config", ConfigChoice.FILE);
        inputs.put("config_file", Fixture.file("config.json").toString());
        inputs.put("sampling", "mean");
        inputs.put("seed", 0L);
        inputs.put("fidelity", 1.0);
        inputs.put("device", "cpu");
        inputs.put("precision", "fp32");
        inputs.put("uncertainty", "none");
        if (ModelCommand.class.isAssignableFrom(command)) {
            // the tests' clips are synthetic textures, not faces: whole frames unless a test says otherwise
            inputs.put("faces", "aligned");
            inputs.put("min_face", org.dicface.face.TrackerOptions.DEFAULT.minFaceSize());
        }
        if (RestoreFaces.class.isAssignableFrom(command)) {
            inputs.put("use_selection", false);
            inputs.put("feather", 16);
            inputs.put("keep_size", true);
            inputs.put("color_fix", false);
        }
        if (command == ColorizeFaces.class) {
            inputs.put("keep_luminance", false);
        }
        for (int i = 0; i < extra.length; i += 2) {
            inputs.put((String) extra[i], extra[i + 1]);
        }
        return commands.run(command, true, inputs).get();
    }
}
