package org.dicface.imagej;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ij.ImagePlus;
import org.dicface.io.ModelRegistry;
import org.dicface.io.Task;
import org.dicface.pipeline.Settings;
import org.dicface.torch.Device;
import org.dicface.model.Precision;

/**
 * What made a result, in its Info (Image > Show Info): the weights file and its SHA-256, the configuration,
 * task, sampling, seed, fidelity, precision and device, so that a saved result says how to make it again.
 */
final class Provenance {
    /** SHA-256 per weights file, size and time: hashing a 930 MB checkpoint once is enough. */
    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

    private Provenance() {
    }

    static String text(Task task, Path weights, String config, Settings settings, Precision precision, Device device) throws IOException {
        return String.format(Locale.ROOT, "DicFace %s%nweights: %s%nweights SHA-256: %s%nconfiguration: %s%nsampling: %s%n"
                + "seed: %d%nfidelity: %s%nprecision: %s%ndevice: %s%n", task, weights.toAbsolutePath(), sha256(weights),
                config, settings.sampling().name(), settings.seed(), settings.fidelity(), precision, device)
                + (settings.frames().all() ? "" : "frames: " + settings.frames() + " of the clip\n");
    }

    /** Sets the Info of each result (null ones are skipped) and gives it a title no open image has. */
    static void stamp(String text, ImagePlus... results) {
        for (ImagePlus imp : results) {
            if (imp != null) {
                imp.setProperty("Info", text);
                ImagePlus same = ij.WindowManager.getImage(imp.getTitle());
                if (same != null && same != imp) {  // ImageJ's unique name: "title-1", "title-2", ...
                    imp.setTitle(ij.WindowManager.getUniqueName(imp, imp.getTitle()));
                }
            }
        }
    }

    static String sha256(Path file) throws IOException {
        String key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file);
        String known = HASHES.get(key);
        if (known == null) {
            known = ModelRegistry.sha256(file);
            HASHES.put(key, known);
        }
        return known;
    }
}
