package org.dicface.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ij.ImagePlus;
import org.dicface.io.AtomicFile;
import org.dicface.io.Task;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import org.dicface.torch.Device;
import org.dicface.video.ClipFiles;
import org.dicface.video.ClipWriter;
import org.dicface.video.FrameSink;
import org.dicface.video.StackFrames;
import org.dicface.video.StackSource;
import org.dicface.video.TiffWriter;
import org.dicface.video.VideoFiles;

/**
 * Restores many clips with one model. Outputs are named and checked by {@link Outputs#plan} before any work;
 * each input is read frame by frame and its results stream to their files (nothing is held whole), which
 * reach their names only once complete; a failure is recorded and the batch goes on; with
 * {@link Outputs.Existing#RESUME}, inputs whose outputs are complete (read back with the input's frame
 * count) are skipped and the others redone.
 */
public final class Batch {
    /** One input's outcome; {@code note}: what the user should know about it (a depth conversion, say), or null. */
    public record Outcome(String input, String output, String status, String error, int frames, double secondsPerFrame,
            String note) {
    }

    /** Reports progress per input and frame. */
    public interface Listener {
        void started(Path input, int index, int total);

        boolean frameDone(Path input, int done, int frames);

        /** A note of the run on this input (see {@link Progress#note}). */
        default void note(Path input, String message) {
        }
    }

    private Batch() {
    }

    /**
     * What a batch restores, as a front-end parsed it: the model (configuration and weights), the run's options (its
     * frame range too), the inputs and the output folder, the task, the job for each opened input (masks, say, depend
     * on its size), and what to do with outputs there already.
     */
    public record Request(DicFaceConfig config, Path weights, RunOptions run, List<Path> inputs, Path outputDir, Task task,
            Function<ImagePlus, ClipRestoration.Job> jobFor, Outputs.Existing existing) {
        public Request {
            java.util.Objects.requireNonNull(config, "config");
            java.util.Objects.requireNonNull(run, "run");
            inputs = List.copyOf(inputs);
        }

        /** The outputs of one input, named and placed as the batch names them (see {@link Outputs}). */
        public Outputs outputs(Path input, Path folder, FrameRange frames) {
            return Outputs.of(input, folder, task, run.settings().uncertainty() != Settings.Uncertainty.NONE, frames);
        }
    }

    /** The outcomes and the summary.json written for them. */
    public record Result(List<Outcome> outcomes, Path summary) {
        public long failed() {
            return failures(outcomes);
        }
    }

    /**
     * The whole batch as both front-ends run it: first, before anything is loaded or created, the options the
     * model refuses, clashing or existing outputs and an unwritable folder (found in a second, not after hours);
     * then the model loaded once, every input restored, and summary.json written.
     *
     */
    public static Result run(Request r, Listener listener) throws IOException {
        List<Outputs> plan = plan(r);
        List<Outcome> outcomes;
        try (DicFace model = ModelLoader.load(r.config(), r.weights(), r.run().device(), r.run().precision())) {
            outcomes = run(model, r.run().device(), r.run().settings(), plan, r.jobFor(), r.existing(), listener);
        }
        return new Result(outcomes, writeSummary(r, outcomes));
    }

    /** The request's outputs, checked before anything is loaded (see {@link #run}). */
    public static List<Outputs> plan(Request r) throws IOException {
        r.run().checkFor(r.config());
        Settings settings = r.run().settings();
        List<Outputs> plan = Outputs.plan(r.inputs(), r.outputDir(), r.task(), settings.uncertainty() != Settings.Uncertainty.NONE,
                settings.frames(), r.existing());
        AtomicFile.checkWritable(r.outputDir());
        return plan;
    }

    private static List<Outcome> run(DicFace model, Device device, Settings settings, List<Outputs> plan,
            Function<ImagePlus, ClipRestoration.Job> jobFor, Outputs.Existing existing, Listener listener) {
        List<Outcome> outcomes = new ArrayList<>();
        for (int n = 0; n < plan.size(); n++) {
            Outputs o = plan.get(n);
            Path input = o.input();
            String note = null;
            if (existing == Outputs.Existing.RESUME && o.files().stream().anyMatch(Files::exists)) {
                if (complete(o, settings.frames())) {
                    outcomes.add(new Outcome(input.toString(), o.clip().toString(), "skipped", null, 0, 0, null));
                    continue;
                }
                note = "redone: the earlier output was incomplete";
            }
            listener.started(input, n, plan.size());
            ImagePlus clip = null;
            try {
                clip = ClipFiles.open(input, true);
                String depth = StackFrames.depthNote(clip);
                note = note == null ? depth : depth == null ? note : note + "; " + depth;
                StreamingRestorer.Summary s = restore(model, device, settings, clip, jobFor.apply(clip), o,
                        Progress.of((done, total) -> listener.frameDone(input, done, total), m -> listener.note(input, m)));
                outcomes.add(new Outcome(input.toString(), o.clip().toString(), "done", null, s.frames(), s.secondsPerFrame(), note));
            } catch (CancelledException e) {
                outcomes.add(new Outcome(input.toString(), null, "cancelled", e.getMessage(), 0, 0, note));
                break;
            } catch (IOException | RuntimeException e) {
                Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
                outcomes.add(new Outcome(input.toString(), null, "failed",
                        cause.getMessage() == null ? cause.toString() : cause.getMessage(), 0, 0, note));
            } finally {
                if (clip != null) {
                    VideoFiles.release(clip);
                }
            }
        }
        return outcomes;
    }

    /** How many inputs failed or were cancelled. */
    public static long failures(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.status().equals("failed") || o.status().equals("cancelled")).count();
    }

    /** Writes the run's summary.json in the output folder (the settings, then each input's outcome); returns its path. */
    public static Path writeSummary(Request r, List<Outcome> outcomes) throws IOException {
        Settings settings = r.run().settings();
        java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("task", r.task().id());
        summary.put("weights", r.weights().toString());
        summary.put("sampling", settings.sampling().name());
        summary.put("seed", settings.seed());
        summary.put("fidelity", settings.fidelity());
        summary.put("frames", settings.frames().toString());
        summary.put("device", r.run().device().toString());
        summary.put("precision", r.run().precision().toString());
        summary.put("failed", failures(outcomes));
        summary.put("outcomes", outcomes);
        String json = new com.google.gson.GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(summary);
        Path file = Outputs.summary(r.outputDir(), settings.frames());
        AtomicFile.writeString(file, json);
        return file;
    }

    /**
     * One clip through the model into its output files (those of the settings' frames), each written as it comes and
     * committed at the end, and its codebook usage; a video's output gets the sound of its frames.
     */
    public static StreamingRestorer.Summary restore(DicFace model, Device device, Settings settings, ImagePlus clip,
            ClipRestoration.Job job, Outputs o, Progress progress) throws IOException {
        String source = clip.getProp(VideoFiles.SOURCE_PROPERTY);
        FrameRange frames = settings.frames().in(new StackSource(clip).frameCount());  // refused before any file is made
        double fps = VideoFiles.frameRate(clip);
        ClipWriter.Options options = new ClipWriter.Options(frames.length(), fps, settings.frames().all()
                ? ClipWriter.Sound.of(source == null ? null : Path.of(source))
                : ClipWriter.Sound.ofFrames(source == null ? null : Path.of(source), frames.from(), frames.length(), fps));
        boolean maps = o.uncertainty() != null && settings.uncertainty() != Settings.Uncertainty.NONE;
        // encoding on a thread of its own: the restorer does not wait for it
        try (ClipWriter out = new org.dicface.video.BackgroundWriter(ClipFiles.writer(o.clip(), options));
             ClipWriter unc = maps ? new TiffWriter(o.uncertainty(), options.frameRate()) : null) {
            StreamingRestorer.Summary s = ClipRestoration.run(model, device, settings, clip, job, FrameSink.rgb(out),
                    unc == null ? null : FrameSink.maps(unc), progress);
            out.commit();
            if (unc != null) {
                unc.commit();
            }
            AtomicFile.writeString(o.codebook(), s.codebookUsage().toCsv());
            return s;
        }
    }

    /** Whether every output of an input is there and holds the input's frames (those of the range). */
    public static boolean complete(Outputs o, FrameRange range) {
        try {
            if (!Files.isRegularFile(o.codebook()) || Files.size(o.codebook()) == 0) {
                return false;
            }
            ImagePlus input = ClipFiles.open(o.input(), true);
            int frames = range.in(new StackSource(input).frameCount()).length();
            VideoFiles.release(input);
            return ClipFiles.countFrames(o.clip()) == frames && (o.uncertainty() == null || ClipFiles.countFrames(o.uncertainty()) == frames);
        } catch (IOException | RuntimeException e) {
            return false;  // an input that cannot be read is not skipped: restoring it says why
        }
    }
}
