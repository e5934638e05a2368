package org.dicface.nn;

import java.util.List;

/** A state dict that does not fit a module: every missing, unexpected and mis-shaped key in one message. */
public final class StateDictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> mismatched;

    public StateDictException(String module, List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(message(module, missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    private static String message(String module, List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb = new StringBuilder("The weights do not fit ").append(module).append(':');
        section(sb, "missing keys", missing);
        section(sb, "unexpected keys", unexpected);
        section(sb, "keys with the wrong shape", mismatched);
        sb.append("\nCheck that the checkpoint and the model configuration belong together "
                + "(dicface info <checkpoint> tells which configuration a checkpoint matches).");
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        sb.append("\n  ").append(keys.size()).append(' ').append(title).append(':');
        // names come from files: each is cut to a readable length
        keys.stream().limit(20).forEach(k -> sb.append("\n    ").append(k.length() <= 200 ? k : k.substring(0, 197) + "..."));
        if (keys.size() > 20) {
            sb.append("\n    ... and ").append(keys.size() - 20).append(" more");
        }
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> mismatched() {
        return mismatched;
    }
}
