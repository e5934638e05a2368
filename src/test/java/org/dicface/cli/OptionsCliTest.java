package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options refused on the command line before any work: exit status and the one message. */
class OptionsCliTest {
    @TempDir
    Path dir;

    @Test
    void aWrongTaskIsRefusedWithTheChoices() {
        for (String command : new String[] {"train", "degrade"}) {
            String[] args = command.equals("train")
                    ? new String[] {"train", "--task", "denoise", "-o", dir.toString(), dir.toString()}
                    : new String[] {"degrade", "--task", "denoise", dir.resolve("a.tif").toString(), dir.resolve("b.tif").toString()};
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("Invalid value for option '--task': unknown task 'denoise': use restore, inpaint or colorize"),
                    r.err());
        }
    }
}
