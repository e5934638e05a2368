package org.dicface.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run of scripts/fuzz-readers: every kind of mutation a few times, nothing may crash, hang or slip through. */
class FuzzReadersTest {
    @TempDir
    Path work;

    @Test
    void aShortFuzzRunFindsNothing() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FuzzReaders.Tally t = FuzzReaders.run(400, 11, work, new PrintStream(log, true, StandardCharsets.UTF_8));
        String report = log.toString(StandardCharsets.UTF_8) + t.result();
        assertEquals(400, t.cases());
        assertTrue(t.clean(), report);
        // the run exercised both sides of the oracle: files accepted and files refused
        assertTrue(report.matches("(?s).*st-control=[1-9][0-9]*/0.*") && report.matches("(?s).*pth-control=[1-9][0-9]*/0.*"), report);
        assertTrue(report.matches("(?s).*st-header-length=0/[1-9].*") && report.matches("(?s).*pth-offset=0/[1-9].*"), report);
    }
}
