package org.dicface.io;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import com.google.gson.annotations.SerializedName;

/**
 * What a DicFace model was trained to do. One type for the whole project: the model registry is keyed by it
 * (which is why it lives here, in the lowest layer that knows tasks), training degrades clips by it, the
 * pipeline prepares frames by it, and the CLI, the Fiji commands and checkpoint metadata name it by
 * {@link #id()}. Names from users and files go through {@link #parse} only.
 */
public enum Task {
    @SerializedName("restore") RESTORE,
    @SerializedName("inpaint") INPAINT,
    @SerializedName("colorize") COLORIZE;

    /** The name users type and files store: "restore", "inpaint" or "colorize". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }

    /** The choices, for messages: "restore, inpaint or colorize". */
    public static String choices() {
        String all = Arrays.stream(values()).map(Task::id).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }

    /**
     * The task named in a command line, a dialog, a macro or a file's metadata, in any case and with surrounding
     * blanks; anything else is refused with one message that lists the choices.
     */
    public static Task parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("no task given: use " + choices());
        }
        for (Task t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name.trim() + "': use " + choices());
    }
}
