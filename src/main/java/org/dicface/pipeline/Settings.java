package org.dicface.pipeline;

import org.dicface.model.Sampling;

/**
 * How a clip is restored: the Dirichlet sampling mode and its seed, the fidelity weight, and which optional
 * outputs to make. The same settings give the same pixels on every run: each output frame draws from its
 * own generator, seeded from the seed and the frame index, so a frame does not depend on which frames were
 * restored before it.
 */
public record Settings(Sampling sampling, long seed, double fidelity, Uncertainty uncertainty) {
    /** Optional per-cell uncertainty map: none, the concentration sum(alpha), or the entropy of w. */
    public enum Uncertainty { NONE, CONCENTRATION, ENTROPY }

    public Settings {
        if (fidelity < 0 || fidelity > 1) {
            throw new IllegalArgumentException("fidelity weight must be in [0, 1], got " + fidelity);
        }
    }

    /** The official behaviour: one Dirichlet sample per cell, fidelity 1; seed 0. */
    public static Settings official() {
        return new Settings(new Sampling.Sample(), 0, 1.0, Uncertainty.NONE);
    }

    /** The seed of frame {@code index}'s generator (SplitMix64 of seed and index). */
    long frameSeed(int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
