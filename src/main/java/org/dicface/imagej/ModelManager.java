package org.dicface.imagej;

import org.dicface.io.Task;
import java.io.File;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

import org.dicface.io.Download;
import org.dicface.io.ModelRegistry;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Model Manager...: the checkpoint each task uses. Show the registered models (file,
 * SHA-256, licence), register a file, download the official one (progress, resume, optional checksum),
 * convert to safetensors, or remove. The weights' licence must be accepted first.
 */
@Plugin(type = Command.class, label = "Model Manager...")  // menu entry: plugins.config (through the Java check)
public final class ModelManager extends CancelableCommand {
    @Parameter(visibility = ItemVisibility.MESSAGE, persist = false)
    String licence = ModelRegistry.LICENCE;

    @Parameter(persist = false, label = "Task", choices = {"restore", "inpaint", "colorize"})
    String task = "restore";

    @Parameter(persist = false, label = "Action", choices = {"show", "register file", "download official", "convert to safetensors", "remove"})
    String action = "show";

    @Parameter(persist = false, label = "Checkpoint file", required = false, description = "for 'register file'")
    File file;

    @Parameter(persist = false, label = "Download from", required = false, description = "for 'download official'; empty: the official Hugging Face file")
    String url;

    @Parameter(persist = false, label = "Expected SHA-256", required = false, description = "checked after a download when given")
    String sha256;

    @Parameter(persist = false, label = "I accept the licence of the weights")
    boolean accept_licence;

    @Parameter(type = ItemIO.OUTPUT)
    String report;

    @Parameter(persist = false, required = false)
    StatusService status;

    @Override
    String title() {
        return "Model Manager";
    }

    @Override
    void execute() throws Exception {
        ModelRegistry registry = ModelRegistry.standard();
        switch (action) {
            case "show" -> report = describe(registry);
            case "register file" -> {
                if (file == null) {
                    throw new IllegalArgumentException("choose the checkpoint file to register");
                }
                report = "registered " + line(registry.register(Task.parse(task), file.toPath(), accept_licence));
            }
            case "download official" -> {
                URI source = url == null || url.isBlank() ? Download.OFFICIAL.get(Task.parse(task)) : URI.create(url.trim());
                report = "downloaded and registered " + line(registry.download(Task.parse(task), source, sha256, accept_licence, this::progress));
            }
            case "convert to safetensors" -> report = "converted and registered " + line(registry.convertToSafetensors(Task.parse(task)));
            case "remove" -> {
                registry.remove(Task.parse(task));
                report = "removed the model of '" + task + "' from the registry (the file stays)";
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "'");
        }
        report("DicFace Model Manager: " + report);
    }

    private boolean progress(long done, long total) {
        if (status != null) {
            status.showStatus((int) (done >> 20), (int) Math.max(total >> 20, 1), "DicFace: downloading " + (done >> 20) + " MB");
        }
        return !isCanceled();
    }

    static String describe(ModelRegistry registry) {
        StringBuilder sb = new StringBuilder("models in " + registry.home() + ":");
        for (Task t : Task.values()) {
            sb.append("\n  ").append(t).append(": ");
            Map<Task, ModelRegistry.Entry> entries = registry.entries();
            sb.append(entries.containsKey(t) ? line(entries.get(t)) : "none");
        }
        return sb.toString();
    }

    static String line(ModelRegistry.Entry e) {
        return String.format(Locale.ROOT, "%s (%s, %.1f MB, SHA-256 %s, %s)", e.task(), e.file(), e.bytes() / 1e6, e.sha256(),
                e.licenceAccepted() ? "licence accepted" : "trained with DicFace for Fiji: no third-party licence");
    }
}
