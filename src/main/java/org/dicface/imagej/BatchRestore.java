package org.dicface.imagej;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import ij.measure.ResultsTable;
import org.dicface.io.Task;
import org.dicface.model.ModelLoader;
import org.dicface.pipeline.Batch;
import org.dicface.pipeline.ClipRestoration;
import org.dicface.pipeline.Outputs;
import org.dicface.pipeline.RunOptions;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Batch Restore...: the command line's batch from the menu: every clip of a folder
 * (videos, TIFF stacks, folders of images) restored or colorized into an output folder, each output streamed
 * to its file and named only when complete, a failure recorded and the batch continued; a progress bar, the
 * summary table ("DicFace batch") and the command line's summary.json.
 */
@Plugin(type = Command.class, label = "Batch Restore...")  // menu entry: plugins.config (through the Java check)
public final class BatchRestore extends ModelCommand {
    @Parameter(persist = false, label = "Clips folder", style = "directory", description = ClipFolder.LAYOUT)
    File clips;

    @Parameter(persist = false, label = "Output folder", style = "directory", description = "restored clips, codebook tables"
            + " and summary.json go here (an input is never replaced)")
    File output;

    @Parameter(persist = false, label = "Task", choices = {"restore", "colorize"}, description = "inpainting needs a mask"
            + " for each clip: use Inpaint Faces or dicface inpaint")
    String task = "restore";

    @Parameter(persist = false, label = "Colour fix", description = "restore: shift each frame's red, green and blue means to"
            + " the input's (not official)")
    boolean color_fix = false;

    @Parameter(persist = false, label = "Existing outputs", choices = {"stop", "resume", "overwrite"}, description = "stop: refuse"
            + " before any work; resume: skip clips whose outputs are complete; overwrite: replace them")
    String existing = "stop";

    @Parameter(type = ItemIO.OUTPUT, label = TABLE)
    ResultsTable outcomes;

    @Parameter(type = ItemIO.OUTPUT)
    String summary;

    @Override
    String title() {
        return "Batch Restore";
    }

    @Override
    void execute() throws IOException {
        List<Path> inputs = ClipFolder.clips(clips, "clips folder", ClipFolder.LAYOUT);
        if (output == null || output.getPath().isBlank()) {
            throw new IllegalArgumentException("choose the output folder");
        }
        Task kind = Task.parse(task);
        if (kind == Task.INPAINT) {
            throw new IllegalArgumentException("inpainting needs a mask for each clip: use Inpaint Faces or dicface inpaint");
        }
        Outputs.Existing mode = switch (existing) {
            case "resume" -> Outputs.Existing.RESUME;
            case "overwrite" -> Outputs.Existing.REPLACE;
            default -> Outputs.Existing.REFUSE;
        };
        RunOptions run = runOptions();
        Path w = weights(kind);
        ClipRestoration.Job job = (kind == Task.RESTORE ? ClipRestoration.Job.restore().withColorFix(color_fix)
                : ClipRestoration.Job.colorize()).withFaces(faces(null));
        Batch.Result done = Batch.run(new Batch.Request(ModelLoader.config(configuration(), w), w, run, inputs, output.toPath(),
                kind, clip -> job, mode), new Batch.Listener() {
                    private int index;
                    private int total;

                    @Override
                    public void started(Path input, int i, int n) {
                        index = i;
                        total = n;
                    }

                    @Override
                    public boolean frameDone(Path input, int frame, int frames) {
                        return progressed(index * frames + frame, total * frames, "DicFace batch: clip " + (index + 1) + " of "
                                + total + ", frame " + frame + " of " + frames, "frames of the batch");
                    }

                    @Override
                    public void note(Path input, String message) {
                        report("DicFace batch: " + input.getFileName() + ": " + message);
                    }
                });
        ij.IJ.showProgress(1.0);
        List<Batch.Outcome> each = done.outcomes();
        outcomes = table(each);
        summary = String.format(Locale.ROOT, "%d clips: %d done, %d skipped, %d failed; summary: %s", each.size(),
                each.stream().filter(o -> o.status().equals("done")).count(),
                each.stream().filter(o -> o.status().equals("skipped")).count(), done.failed(), done.summary());
        report("DicFace batch: " + summary);
    }

    static final String TABLE = "DicFace batch";

    private static ResultsTable table(List<Batch.Outcome> outcomes) {
        ResultsTable t = new ResultsTable();
        for (Batch.Outcome o : outcomes) {
            t.incrementCounter();
            t.addValue("Input", o.input());
            t.addValue("Status", o.status());
            t.addValue("Output", o.output() == null ? "" : o.output());
            t.addValue("Frames", o.frames());
            t.addValue("s per frame", o.secondsPerFrame());
            t.addValue("Message", o.error() != null ? o.error() : o.note() == null ? "" : o.note());
        }
        return t;
    }
}
