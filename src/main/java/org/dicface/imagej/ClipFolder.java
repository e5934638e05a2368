package org.dicface.imagej;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A folder of clips, one per entry, as Train and Batch Restore read it; hidden entries are left out. */
final class ClipFolder {
    static final String LAYOUT = "one clip per entry: videos (.mp4, .mov, .avi, .mkv), TIFF stacks, or folders of images"
            + " (one clip each)";

    private ClipFolder() {
    }

    /** The clips of {@code folder}, sorted; the message names the layout ({@code layout}) when it holds none. */
    static List<Path> clips(File folder, String what, String layout) throws IOException {
        if (folder == null || folder.getPath().isBlank()) {
            throw new IllegalArgumentException("choose the " + what + ": it holds " + layout);
        }
        if (!folder.isDirectory()) {
            throw new IllegalArgumentException(folder + " is not a folder: choose the folder that holds " + layout);
        }
        List<Path> clips;
        try (var entries = Files.list(folder.toPath())) {
            clips = entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (clips.isEmpty()) {
            throw new IllegalArgumentException(folder + " is empty: it should hold " + layout);
        }
        return clips;
    }
}
