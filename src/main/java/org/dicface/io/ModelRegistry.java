package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;

/**
 * The checkpoints registered per task (restore, inpaint, colorize): file, SHA-256, size, and whether the
 * user accepted the weights' licence. Kept as JSON in the DicFace home folder (system property
 * {@code dicface.home}, default {@code ~/.dicface}); written atomically.
 */
public final class ModelRegistry {
    public static final String LICENCE = "The official DicFace weights are under the NTU S-Lab License 1.0: "
            + "non-commercial use only (research, education, personal). Commercial use needs permission from the "
            + "copyright holders. Accept it to use them.";

    /** One registered checkpoint. */
    public record Entry(Task task, String file, String sha256, long bytes, boolean licenceAccepted, String registered) {
        public Path path() {
            return Path.of(file);
        }
    }

    private final Path home;
    private final Map<Task, Entry> entries;

    public ModelRegistry(Path home) throws IOException {
        this.home = home;
        Path file = home.resolve("models.json");
        Map<Task, Entry> read = null;
        if (Files.exists(file)) {
            try {
                read = new Gson().fromJson(Files.readString(file), new TypeToken<LinkedHashMap<Task, Entry>>() { }.getType());
            } catch (RuntimeException e) {
                throw new CheckpointException(file + " is damaged (" + e.getMessage() + "); delete it and register the models again");
            }
        }
        this.entries = new LinkedHashMap<>();
        if (read != null) {
            read.forEach((task, entry) -> {
                if (task != null && entry != null && entry.task() == task) {  // an unknown task name reads as null
                    entries.put(task, entry);
                }
            });
        }
    }

    /** The registry in the standard home folder. */
    public static ModelRegistry standard() throws IOException {
        return new ModelRegistry(standardHome());
    }

    public static Path standardHome() {
        String explicit = System.getProperty("dicface.home");
        return explicit != null ? Path.of(explicit) : Path.of(System.getProperty("user.home"), ".dicface");
    }

    public Path home() {
        return home;
    }

    public Optional<Entry> get(Task task) {
        return Optional.ofNullable(entries.get(task));
    }

    public Map<Task, Entry> entries() {
        return java.util.Collections.unmodifiableMap(entries);
    }

    /**
     * Registers a checkpoint for a task after checking that it opens as weights (its keys are not compared to
     * a configuration here: {@code dicface info} does that). The licence must be accepted.
     */
    public Entry register(Task task, Path file, boolean acceptLicence) throws IOException {
        if (!acceptLicence && needsLicence(file)) {
            throw new IllegalArgumentException(LICENCE);
        }
        try (WeightsSource source = Checkpoints.open(file)) {
            if (source.shapes().isEmpty()) {
                throw new CheckpointException(file + " holds no tensors");
            }
        }
        Entry e = new Entry(task, file.toAbsolutePath().toString(), sha256(file), Files.size(file), acceptLicence,
                Instant.now().toString());
        entries.put(task, e);
        save();
        return e;
    }

    /**
     * Whether a checkpoint needs the official weights' licence accepted: any file but the safetensors this
     * project trains (which store their configuration; the demonstration weights are such a file, trained here
     * on MIT and public-domain faces, and carry no third-party licence).
     */
    public static boolean needsLicence(Path file) throws IOException {
        return !SafeTensors.holdsConfiguration(SafeTensors.metadataOf(file));
    }

    /** Downloads a checkpoint into the home folder (resuming a broken download) and registers it. */
    public Entry download(Task task, java.net.URI url, String expectedSha256, boolean acceptLicence, Download.Progress progress)
            throws IOException {
        if (!acceptLicence) {
            throw new IllegalArgumentException(LICENCE);
        }
        String name = Path.of(url.getPath()).getFileName().toString();
        Path target = home.resolve("models").resolve(task.id() + "-" + name);
        Download.fetch(url, target, expectedSha256 == null || expectedSha256.isBlank() ? null : expectedSha256.trim(), progress);
        return register(task, target, true);
    }

    /** Converts a task's registered checkpoint to safetensors in the home folder and registers the result. */
    public Entry convertToSafetensors(Task task) throws IOException {
        Entry e = get(task).orElseThrow(() -> new IllegalArgumentException("no checkpoint is registered for '" + task + "'"));
        Path out = home.resolve("models").resolve(task.id() + ".safetensors");
        try (Checkpoints.Weights w = Checkpoints.load(e.path())) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("source", e.path().getFileName().toString());
            meta.put("source_sha256", e.sha256());
            SafeTensors.write(out, w.tensors(), meta);
        }
        return register(task, out, e.licenceAccepted());
    }

    public void remove(Task task) throws IOException {
        if (entries.remove(task) != null) {
            save();
        }
    }

    private void save() throws IOException {
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(entries);
        AtomicFile.writeString(home.resolve("models.json"), json);
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
