package org.dicface.pipeline;

import org.dicface.model.DicFaceConfig;
import org.dicface.model.Precision;
import org.dicface.model.Sampling;
import org.dicface.torch.Device;

/**
 * The options of a restoring run as every front-end takes them (the CLI's forward, restore, inpaint and
 * colorize; the Fiji face commands): their defaults, and one parse that refuses unknown names and numbers out
 * of range with one message each, so the CLI and Fiji accept and refuse the same things.
 */
public record RunOptions(Settings settings, Device device, Precision precision) {
    public static final String SAMPLING = "sample";
    public static final long SEED = 0;
    public static final double FIDELITY = 1.0;
    public static final String DEVICE = "auto";
    public static final String PRECISION = "fp32";
    public static final String UNCERTAINTY = "none";
    public static final String BATCH = "auto";
    public static final String FRAMES = "all";

    public RunOptions {
        java.util.Objects.requireNonNull(settings, "settings");
        java.util.Objects.requireNonNull(device, "device");
        java.util.Objects.requireNonNull(precision, "precision");
    }

    /**
     * The options as typed: sampling (sample, mean, mc:K, argmax, topk:K), seed, fidelity weight in [0, 1], device
     * (auto, cpu, cuda, cuda:N), precision (fp32, tf32, fp16, bf16) and uncertainty map (none, concentration,
     * entropy).
     */
    public static RunOptions parse(String sampling, long seed, double fidelity, String device, String precision,
            String uncertainty) {
        Settings settings = new Settings(Sampling.parse(sampling), seed, fidelity, Settings.Uncertainty.parse(uncertainty));
        Precision p = Precision.parse(precision);
        return new RunOptions(settings, Device.parse(device), p);
    }

    /** These options restoring {@code batch} frames per step: auto or 1 to {@link Settings#MAX_BATCH} (see {@link Batching}). */
    public RunOptions withBatch(String batch) {
        return new RunOptions(settings.withBatch(Batching.parse(batch)), device, precision);
    }

    /** These options restoring only the output frames {@code frames}: a:b (frames a to b−1) or all (see {@link FrameRange}). */
    public RunOptions withFrames(String frames) {
        return new RunOptions(settings.withFrames(FrameRange.parse(frames)), device, precision);
    }

    /** Refuses what a model of this configuration cannot do (topk:K beyond its codebook), before any work. */
    public RunOptions checkFor(DicFaceConfig config) {
        settings.checkFor(config);
        return this;
    }
}
