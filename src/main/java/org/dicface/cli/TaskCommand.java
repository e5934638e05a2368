package org.dicface.cli;

import org.dicface.io.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import ij.ImagePlus;
import org.dicface.model.ModelLoader;
import org.dicface.pipeline.Batch;
import org.dicface.pipeline.ClipRestoration;
import org.dicface.pipeline.Outputs;
import org.dicface.pipeline.RunOptions;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The batch commands (restore, inpaint, colorize): options shared by the three tasks; each subclass adds its
 * own and builds the job. Exit status: 0 when every input was restored (or skipped with --resume), 3 when
 * any failed; a JSON summary is written in the output folder.
 */
abstract class TaskCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "TIFF stacks, images, or folders of images (one clip per folder)")
    List<Path> inputs;

    @Option(names = "--weights", required = true, description = "the task's checkpoint (.pth or .safetensors)")
    Path weights;

    @Option(names = "--config", defaultValue = "auto", description = "auto (the configuration stored in the weights, else the"
            + " official one), official, or a config.json (default: ${DEFAULT-VALUE})")
    String config;

    @Option(names = {"-o", "--output-dir"}, required = true, description = "folder for the results: <name>-<task>.tif"
            + " (.mp4 for a video, a PNG folder for a folder), <name>-<task>-codebook.csv, <name>-<task>-uncertainty.tif,"
            + " summary.json")
    Path outputDir;

    @picocli.CommandLine.Mixin
    SamplingOptions options;

    @picocli.CommandLine.Mixin
    FaceOptions faceOptions;

    @Option(names = "--model-size", description = "keep the model's size (512) instead of the input's")
    boolean modelSize;

    @Option(names = "--uncertainty", defaultValue = RunOptions.UNCERTAINTY, description = "also write a map: none, concentration, entropy")
    String uncertainty;

    @Option(names = "--batch", defaultValue = RunOptions.BATCH, description = "output frames restored per step: auto (as"
            + " many as fit in a GPU's free memory, at most 16; 1 on the CPU, where more do not pay) or 1 to 64; the frames are"
            + " the same whatever the batch (default: ${DEFAULT-VALUE})")
    String batch;

    @Option(names = "--frames", defaultValue = RunOptions.FRAMES, description = "restore only the output frames a:b (a to"
            + " b-1, counted from 0) of each input, each as in a run over the whole input (its window reads the frames"
            + " around it, its seed is its index), so segments restored apart join into one run bit for bit; outputs are"
            + " named <name>-<task>-frames<a>-<b>; with faces, give the whole video's tracks (dicface faces) to save"
            + " finding them in every segment (default: ${DEFAULT-VALUE})")
    String frames;

    @Option(names = "--resume", description = "skip inputs whose outputs are there and complete (read back with the"
            + " input's frame count); redo the others")
    boolean resume;

    @Option(names = "--overwrite", description = "replace outputs of an earlier run (an input is never replaced; without"
            + " this or --resume an existing output stops the batch before it starts)")
    boolean overwrite;

    /** The face options as parsed, before {@link #checkOptions}. */
    org.dicface.pipeline.Faces faces;

    abstract Task task();

    abstract ClipRestoration.Job job(ImagePlus clip);

    /**
     * Refuses this command's own options, and face options they exclude, before any work (each input's job is built
     * only when it is opened).
     */
    void checkOptions() {
    }

    /** The batch this command line asks for, its options parsed and checked (nothing is loaded or written). */
    Batch.Request request() throws java.io.IOException {
        RunOptions run = options.parse(uncertainty).withBatch(batch).withFrames(frames);
        faces = faceOptions.parse();
        checkOptions();
        if (resume && overwrite) {
            throw new IllegalArgumentException("--resume and --overwrite exclude each other: pick one");
        }
        Outputs.Existing existing = resume ? Outputs.Existing.RESUME : overwrite ? Outputs.Existing.REPLACE : Outputs.Existing.REFUSE;
        return new Batch.Request(ModelLoader.config(config, weights), weights, run, inputs, outputDir, task(),
                clip -> job(clip).withFaces(faces), existing);
    }

    @Override
    public Integer call() throws Exception {
        Batch.Request request = request();
        ModelLoader.taskMismatch(weights, task()).ifPresent(w -> System.err.println("warning: " + w));
        Batch.Result result = Batch.run(request, new ConsoleProgress());
        List<Batch.Outcome> outcomes = result.outcomes();
        Path summaryFile = result.summary();
        long failed = result.failed();
        for (Batch.Outcome o : outcomes) {
            System.out.println(o.status() + "  " + o.input() + (o.output() != null ? "  ->  " + o.output() : "")
                    + (o.error() != null ? "  (" + o.error() + ")" : "") + (o.note() != null ? "  [" + o.note() + "]" : ""));
        }
        System.out.println("summary: " + summaryFile);
        return failed == 0 ? 0 : 3;
    }

    /** A one-line progress display on the error stream. */
    static final class ConsoleProgress implements Batch.Listener {
        @Override
        public void started(Path input, int index, int total) {
            System.err.printf("[%d/%d] %s%n", index + 1, total, input);
        }

        @Override
        public boolean frameDone(Path input, int done, int frames) {
            int width = 30;
            int filled = done * width / frames;
            System.err.printf("\r  [%s%s] %d/%d frames", "#".repeat(filled), ".".repeat(width - filled), done, frames);
            if (done == frames) {
                System.err.println();
            }
            return true;
        }

        @Override
        public void note(Path input, String message) {
            System.err.println();
            System.err.println("note: " + message);
        }
    }
}
