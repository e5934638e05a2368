package org.dicface.imagej;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.dicface.io.Task;
import org.dicface.pipeline.RunOptions;
import org.scijava.plugin.Parameter;

/**
 * What every command that runs the model asks for: the weights and configuration, the sampling control, the
 * device and precision, which faces, and the uncertainty map; parsed once here, as the command line parses
 * its options. Parameter names are the macro keys.
 */
abstract class ModelCommand extends CancelableCommand {
    @Parameter(label = "Weights", required = false, persist = false,
            description = "checkpoint (.pth or .safetensors); empty: the one registered in the Model Manager")
    File weights;

    @Parameter(persist = false, label = "Configuration", choices = {"auto", "official", ConfigChoice.FILE},
            description = "auto: the one stored in the weights, else official; official: the 512-pixel model; file: the"
                    + " config.json below")
    String config = "auto";

    // a path as text: an unset File input makes SciJava headless cancel the command silently
    @Parameter(persist = false, label = "Configuration file", required = false, style = "open",
            description = "a config.json (with Configuration: file)")
    String config_file = "";

    @Parameter(persist = false, label = "Sampling", choices = {"sample", "mean", "mc:4", "mc:8", "mc:16", "argmax", "topk:4",
            "topk:16"}, description = "sample (official: one seeded Dirichlet draw), mean (its expectation), mc:K (the mean"
            + " of K draws), argmax (one entry per cell), topk:K (the K strongest entries); a macro may give any K")
    String sampling = RunOptions.SAMPLING;

    @Parameter(persist = false, label = "Seed", description = "the same seed gives the same pixels")
    long seed = RunOptions.SEED;

    @Parameter(persist = false, label = "Fidelity weight", min = "0", max = "1", stepSize = "0.05",
            description = "fusion of the input's features (official: 1)")
    double fidelity = RunOptions.FIDELITY;

    @Parameter(persist = false, label = "Device", choices = {"auto", "cpu", "cuda"})
    String device = RunOptions.DEVICE;

    @Parameter(persist = false, label = "Precision", choices = {"fp32", "tf32", "fp16", "bf16"},
            description = "fp32 exact; tf32, fp16, bf16 faster on a GPU (fp16: CUDA only)")
    String precision = RunOptions.PRECISION;

    @Parameter(persist = false, label = "Faces", choices = {"auto", "all", "largest", "aligned"},
            description = "all: every face of an ordinary video, found, tracked and restored in place; largest: the largest"
                    + " face of each shot; aligned: the frames are aligned face crops; auto: aligned for square frames of the"
                    + " model's size, else all")
    String faces = "auto";

    @Parameter(persist = false, label = "Smallest face (pixels)", min = "0", description = "faces whose box is smaller are left as they are")
    double min_face = org.dicface.face.TrackerOptions.DEFAULT.minFaceSize();

    @Parameter(persist = false, label = "Uncertainty map", choices = {"none", "concentration", "entropy"})
    String uncertainty = RunOptions.UNCERTAINTY;

    @Parameter(persist = false, label = "Frames per step", choices = {"auto", "1", "2", "4", "8", "16"},
            description = "output frames restored at once: auto fits them to the free memory; the result is the same,"
                    + " only the speed and the memory differ (a macro may give 1 to 64)")
    String batch = RunOptions.BATCH;

    /** The run's options, checked. */
    RunOptions runOptions() {
        return RunOptions.parse(sampling, seed, fidelity, device, precision, uncertainty).withBatch(batch);
    }

    /** The weights for a task (given, or registered), with a warning in the Log when they were made for another task. */
    Path weights(Task task) throws IOException {
        Path w = LoadedModel.weightsFor(task, weights);
        org.dicface.model.ModelLoader.taskMismatch(w, task).ifPresent(m -> {
            log.warn(m);
            ij.IJ.log("DicFace " + title() + ": warning: " + m);
        });
        return w;
    }

    /** The configuration as the loaders take it: auto, official or a config.json's path. */
    String configuration() {
        return ConfigChoice.resolve(config, config_file);
    }

    /** Which faces, with tracks found earlier (null: found in the run). */
    org.dicface.pipeline.Faces faces(org.dicface.face.FaceTracks tracks) {
        return org.dicface.pipeline.Faces.parse(faces, min_face, tracks);
    }
}
