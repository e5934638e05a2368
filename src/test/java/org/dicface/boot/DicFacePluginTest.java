package org.dicface.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Messages for dialogs are broken into lines, as ImageJ's message dialogs do not wrap. */
class DicFacePluginTest {
    @Test
    void longMessagesAreWrappedAtSpacesKeepingEveryWord() {
        String message = "The official DicFace weights are under the NTU S-Lab License 1.0: non-commercial use only "
                + "(research, education, personal). Commercial use needs permission from the copyright holders. Accept it.";
        String wrapped = DicFacePlugin.wrap(message, 40);
        for (String line : wrapped.split("\n")) {
            assertTrue(line.length() <= 40, "'" + line + "' is longer than 40");
        }
        assertTrue(wrapped.split("\n").length >= 5);
        assertEquals(message, wrapped.replace('\n', ' '), "nothing lost, nothing added");
        assertEquals("short", DicFacePlugin.wrap("short", 40));
        assertEquals("a\nbb ccc", DicFacePlugin.wrap("a\nbb ccc", 40), "line breaks already there are kept");
    }
}
