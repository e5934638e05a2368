package org.dicface.imagej;

import org.dicface.io.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dicface.io.ModelRegistry;
import org.dicface.model.DicFace;
import org.dicface.model.ModelLoader;
import org.dicface.model.Precision;
import org.dicface.torch.Device;

/**
 * The model the Fiji commands share: loading the official model takes seconds and half a gigabyte, so the
 * last one loaded is kept while the next command asks for the same weights, configuration and device.
 */
final class LoadedModel {
    private static DicFace model;
    private static String key;

    private LoadedModel() {
    }

    /** The weights to use: the given file, or the checkpoint registered for the task (Model Manager). */
    static Path weightsFor(Task task, java.io.File given) throws IOException {
        if (given != null && !given.getPath().isBlank()) {
            return given.toPath();
        }
        return ModelRegistry.standard().get(task).map(ModelRegistry.Entry::path).filter(Files::exists)
                .orElseThrow(() -> new IllegalArgumentException("No weights for '" + task + "': choose a checkpoint file, or "
                        + "register one with Plugins > DicFace > Model Manager."));
    }

    /** Runs {@code work} with the model; runs are serialised so that no run sees its model replaced. */
    static synchronized <R> R use(String config, Path weights, Device device, Precision precision,
            java.util.function.Function<DicFace, R> work) throws IOException {
        return work.apply(get(config, weights, device, precision));
    }

    private static DicFace get(String config, Path weights, Device device, Precision precision) throws IOException {
        String k = config + "|" + weights.toAbsolutePath() + "|" + Files.getLastModifiedTime(weights) + "|" + device + "|" + precision;
        if (!k.equals(key)) {
            if (model != null) {
                model.close();
                model = null;
                key = null;
            }
            model = ModelLoader.load(ModelLoader.config(config, weights), weights, device, precision);
            key = k;
        }
        return model;
    }
}
