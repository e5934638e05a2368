package org.dicface.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.dicface.io.CheckpointException;
import org.dicface.io.Checkpoints;
import org.dicface.io.SafeTensors;
import org.dicface.io.WeightsSource;
import org.dicface.nn.Init;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Torch;

/** Builds a DicFace for a configuration and fills it from a weights file (strictly), on a device, in eval mode. */
public final class ModelLoader {
    private ModelLoader() {
    }

    /**
     * The configuration a front-end names: "auto" is the one stored in the weights (safetensors files that this
     * project writes carry it in their metadata: training checkpoints, converted and demonstration weights),
     * else the official one; "official"; or the path of a config.json.
     */
    public static DicFaceConfig config(String name, Path weights) throws IOException {
        if (!name.equals("auto")) {
            return DicFaceConfig.resolve(name);
        }
        return storedConfig(weights).orElseGet(DicFaceConfig::official);
    }

    /**
     * The configuration stored in the metadata of safetensors weights, if there is one. Files of other tools may
     * name a configuration there instead ("config": "dicface-tiny"): that is no configuration, and is ignored. A
     * stored JSON configuration is checked like any input, against the limits, before anything is built.
     */
    public static Optional<DicFaceConfig> storedConfig(Path weights) throws IOException {
        java.util.Map<String, String> metadata = SafeTensors.metadataOf(weights);
        if (!SafeTensors.holdsConfiguration(metadata)) {
            return Optional.empty();
        }
        try {
            return Optional.of(DicFaceConfig.fromJson(metadata.get("config")));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(weights + ": the configuration stored in its metadata is invalid: "
                    + e.getMessage());
        }
    }

    /**
     * A warning when the weights say they were trained for another task than the one asked for (safetensors
     * that this project writes store their task); empty when they agree or the file does not say. The official
     * .pth files name no task: the three share one architecture, so nothing can tell them apart.
     */
    public static Optional<String> taskMismatch(Path weights, org.dicface.io.Task task) throws IOException {
        String stored = SafeTensors.metadataOf(weights).get("task");
        org.dicface.io.Task trained;
        try {
            trained = stored == null ? task : org.dicface.io.Task.parse(stored);
        } catch (IllegalArgumentException e) {
            return Optional.empty();  // a name of another tool: says nothing about the task
        }
        if (trained == task) {
            return Optional.empty();
        }
        return Optional.of(weights.getFileName() + " holds weights trained to " + trained + " (its metadata says task: "
                + stored + "), not to " + task + ": the result will not be a good " + task + ". Choose the " + task
                + " weights (register them in the Model Manager, or pass them as the weights); the run goes on as asked.");
    }

    /** Refuses a CUDA device that the loaded libtorch cannot use, with the fix. */
    public static void checkDevice(Device device) {
        if (device.type() == Device.Type.CUDA && !Torch.cudaAvailable()) {
            throw new IllegalArgumentException("CUDA was asked for, but the loaded libtorch " + Torch.version()
                    + " sees no CUDA device (a CPU-only libtorch, or no GPU/driver). Use --device cpu, or build native/ "
                    + "against a CUDA libtorch (see README).");
        }
    }

    /**
     * Refuses what the device cannot run (CUDA without a CUDA libtorch, fp16 on the CPU), with the fix, and sets
     * the precision's process-wide math mode (TF32 on for tf32 only).
     */
    public static void checkPlacement(Device device, Precision precision) {
        checkDevice(device);
        precision.checkDevice(device);
        precision.applyMathMode();
    }

    /** A model (weights already in it) checked for and moved to a device and precision; returns it. */
    public static DicFace place(DicFace model, Device device, Precision precision) {
        checkPlacement(device, precision);
        model.to(device, precision.dtype());
        return model;
    }

    /**
     * A copy of a model (same configuration, weights, device and dtype, in eval mode), built without drawing
     * initial weights that would be overwritten at once: the EMA model of a training run starts so.
     */
    public static DicFace copy(DicFace model) {
        DicFace copy = Init.undrawn(() -> new DicFace(model.config()));
        try {
            copy.to(model.device(), model.dtype());
            copy.loadStateDict(model.stateDict());
            copy.eval();
            return copy;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    public static DicFace load(DicFaceConfig config, Path weights, Device device) throws IOException {
        return load(config, weights, device, Precision.FP32);
    }

    /** As {@link #load(DicFaceConfig, Path, Device)}, with the weights converted to {@code precision}. */
    public static DicFace load(DicFaceConfig config, Path weights, Device device, Precision precision) throws IOException {
        checkPlacement(device, precision);  // before reading what may be a gigabyte of weights
        try (WeightsSource source = Checkpoints.open(weights)) {  // the file is checked before the model is built
            DicFace model = Init.undrawn(() -> new DicFace(config));  // every parameter is loaded below: nothing to draw
            try {
                model.loadStateDict(source.shapes(), source::load);
                model.eval();
                return place(model, device, precision);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}
