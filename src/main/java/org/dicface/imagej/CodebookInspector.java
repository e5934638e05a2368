package org.dicface.imagej;

import org.dicface.io.Task;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

import ij.ImagePlus;
import ij.gui.Plot;
import org.dicface.model.CodebookUsage;
import org.dicface.model.DicFace;
import org.dicface.pipeline.ClipRestoration;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Codebook Inspector...: restores a clip and reports how it used the codebook (the share
 * of weight per entry, sorted; how many entries carry 90 %; the entropy), optionally writing the table as CSV
 * and the codebook itself as safetensors.
 */
@Plugin(type = Command.class, label = "Codebook Inspector...")  // menu entry: plugins.config (through the Java check)
public final class CodebookInspector extends FaceCommand {
    @Parameter(persist = false, label = "Usage table (CSV)", required = false, style = "save")
    File usage_csv;

    @Parameter(persist = false, label = "Export the codebook (safetensors)", required = false, style = "save")
    File codebook_file;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus usage_plot;

    @Parameter(type = ItemIO.OUTPUT)
    String report;

    @Override
    Task task() {
        return Task.RESTORE;
    }

    @Override
    ClipRestoration.Job job() {
        return ClipRestoration.Job.restore();
    }

    @Override
    void finished(ClipRestoration.Result r, DicFace model) {
        try {
            report(r, model);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void report(ClipRestoration.Result r, DicFace model) throws IOException {
        CodebookUsage u = r.summary().codebookUsage();
        double[] sorted = u.share().clone();
        Arrays.sort(sorted);
        double[] descending = new double[sorted.length];
        double[] rank = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            descending[i] = sorted[sorted.length - 1 - i];
            rank[i] = i + 1;
        }
        Plot plot = new Plot("Codebook usage of " + image.getTitle(), "entries, by share (rank)", "share of all weight");
        plot.add("line", rank, descending);
        usage_plot = plot.getImagePlus();
        report = String.format(Locale.ROOT, "%s: %d codebook entries; %d carry 90 %% of the weight; entropy %.2f bits (uniform: %.2f)",
                image.getTitle(), u.share().length, u.entriesFor90(), u.entropyBits(), Math.log(u.share().length) / Math.log(2));
        if (usage_csv != null) {
            org.dicface.io.AtomicFile.writeString(usage_csv.toPath(), u.toCsv());
        }
        if (codebook_file != null) {
            model.codebook().export(codebook_file.toPath());
        }
        report("DicFace codebook: " + report);
    }
}
