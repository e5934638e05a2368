package org.dicface.pipeline;

import org.dicface.model.Sampling;

/**
 * How a clip is restored: the Dirichlet sampling mode and its seed, the fidelity weight, and which optional
 * outputs to make. The same settings give the same pixels on every run: each output frame draws from its
 * own generator, seeded from the seed and the frame index, so a frame does not depend on which frames were
 * restored before it. {@code frames}: the output frames restored ({@link FrameRange#ALL}, or a segment of the clip,
 * each frame seeded by its index in the whole clip, so segments restored apart make one uninterrupted run).
 * {@code batch}: output frames restored per step ({@link #AUTO_BATCH}: as many as fit, see {@link Batching}); it
 * changes the speed and the memory, never a pixel.
 */
public record Settings(Sampling sampling, long seed, double fidelity, Uncertainty uncertainty, FrameRange frames, int batch) {
    /** {@code batch} chosen from the device's free memory. */
    public static final int AUTO_BATCH = 0;
    /** More frames per step than this gain nothing measurable and only hold memory (and a typo's 10000 is refused). */
    public static final int MAX_BATCH = 64;

    /** Optional per-cell uncertainty map: none, the concentration sum(alpha), or the entropy of w. */
    public enum Uncertainty {
        NONE, CONCENTRATION, ENTROPY;

        /** The map named by a user: none, concentration or entropy, any case. */
        public static Uncertainty parse(String name) {
            for (Uncertainty u : values()) {
                if (name != null && u.name().equalsIgnoreCase(name.trim())) {
                    return u;
                }
            }
            throw new IllegalArgumentException("unknown uncertainty map '" + (name == null ? "" : name.trim())
                    + "': use none, concentration or entropy");
        }

        /** The name as {@link #parse} takes it. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Settings(Sampling sampling, long seed, double fidelity, Uncertainty uncertainty) {
        this(sampling, seed, fidelity, uncertainty, FrameRange.ALL, AUTO_BATCH);
    }

    /** These settings restoring only the output frames {@code range} of a clip. */
    public Settings withFrames(FrameRange range) {
        return new Settings(sampling, seed, fidelity, uncertainty, range, batch);
    }

    /** These settings restoring {@code perStep} output frames per step ({@link #AUTO_BATCH}: as many as fit). */
    public Settings withBatch(int perStep) {
        return new Settings(sampling, seed, fidelity, uncertainty, frames, perStep);
    }

    public Settings {
        java.util.Objects.requireNonNull(frames, "frames");
        if (batch < 0 || batch > MAX_BATCH) {
            throw new IllegalArgumentException("the batch must be 1 to " + MAX_BATCH + " frames per step, or auto; got " + batch);
        }
        java.util.Objects.requireNonNull(sampling, "sampling");
        java.util.Objects.requireNonNull(uncertainty, "uncertainty");
        if (!(fidelity >= 0 && fidelity <= 1)) {  // NaN too
            throw new IllegalArgumentException("the fidelity weight must be a number from 0 to 1, got " + fidelity);
        }
    }

    /** Refuses, before any work, what a model of this configuration cannot do (see {@link Sampling#checkFor}). */
    public void checkFor(org.dicface.model.DicFaceConfig config) {
        sampling.checkFor(config);
    }

    /** The official behaviour: one Dirichlet sample per cell, fidelity 1; seed 0. */
    public static Settings official() {
        return new Settings(new Sampling.Sample(), 0, 1.0, Uncertainty.NONE);
    }

    /** The seed of frame {@code index}'s generator (SplitMix64 of seed and the frame's index in the whole clip). */
    long frameSeed(int index) {
        long z = seed + 0x9E3779B97F4A7C15L * ((long) index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
