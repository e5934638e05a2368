package org.dicface.imagej;

/**
 * The Fiji dialogs' configuration: a choice (auto, official, file) and, for "file", a config.json; resolved to
 * the one text the loaders take (auto, official or the file's path), as the command line's --config.
 */
final class ConfigChoice {
    static final String FILE = "file";

    private ConfigChoice() {
    }

    static String resolve(String choice, String file) {
        String path = file == null ? "" : file.trim();
        if (FILE.equals(choice)) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("Configuration is 'file': choose the config.json in Configuration file");
            }
            return path;
        }
        if (!path.isEmpty()) {
            throw new IllegalArgumentException("a Configuration file is given but Configuration is '" + choice
                    + "': choose 'file' to use it, or clear the file");
        }
        return choice;
    }
}
