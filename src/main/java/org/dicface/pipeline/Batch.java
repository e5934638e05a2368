package org.dicface.pipeline;

import org.dicface.io.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ij.ImagePlus;
import org.dicface.model.DicFace;
import org.dicface.torch.Device;

/**
 * Restores many clips with one model: each input is opened, restored and written atomically; a failure is
 * recorded and the batch goes on; with resume, inputs whose output exists are skipped.
 */
public final class Batch {
    /** One input's outcome. */
    public record Outcome(String input, String output, String status, String error, int frames, double secondsPerFrame) {
    }

    /** Reports progress per input and frame. */
    public interface Listener {
        void started(Path input, int index, int total);

        boolean frameDone(Path input, int done, int frames);
    }

    private Batch() {
    }

    /**
     * @param jobFor the task job for an opened input (masks, say, depend on its size)
     */
    public static List<Outcome> run(DicFace model, Device device, Settings settings, List<Path> inputs, Path outputDir,
            Task task, Function<ImagePlus, ClipRestoration.Job> jobFor, boolean resume, boolean writeUncertainty,
            Listener listener) throws IOException {
        Files.createDirectories(outputDir);
        List<Outcome> outcomes = new ArrayList<>();
        for (int n = 0; n < inputs.size(); n++) {
            Path input = inputs.get(n);
            Path output = ClipFiles.outputFor(input, outputDir, task);
            if (resume && Files.exists(output)) {
                outcomes.add(new Outcome(input.toString(), output.toString(), "skipped", null, 0, 0));
                continue;
            }
            listener.started(input, n, inputs.size());
            try {
                ImagePlus clip = ClipFiles.open(input);
                ClipRestoration.Result r = ClipRestoration.run(model, device, settings, clip, jobFor.apply(clip),
                        (done, total) -> listener.frameDone(input, done, total));
                ClipFiles.save(r.output(), output);
                Path usage = outputDir.resolve(output.getFileName().toString().replaceFirst("\\.(tif|mp4)$", "") + "-codebook.csv");
                org.dicface.io.AtomicFile.writeString(usage, r.summary().codebookUsage().toCsv());
                if (writeUncertainty && r.uncertainty() != null) {
                    ClipFiles.saveTiff(r.uncertainty(), outputDir.resolve(output.getFileName().toString().replace(".tif", "-uncertainty.tif")));
                }
                outcomes.add(new Outcome(input.toString(), output.toString(), "done", null, r.summary().frames(),
                        r.summary().secondsPerFrame()));
            } catch (CancelledException e) {
                outcomes.add(new Outcome(input.toString(), null, "cancelled", e.getMessage(), 0, 0));
                break;
            } catch (IOException | RuntimeException e) {
                outcomes.add(new Outcome(input.toString(), null, "failed", e.getMessage() == null ? e.toString() : e.getMessage(), 0, 0));
            }
        }
        return outcomes;
    }
}
