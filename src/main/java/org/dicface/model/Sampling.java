package org.dicface.model;

import java.util.Locale;

import org.dicface.torch.DType;
import org.dicface.torch.Generator;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * How the codebook weights w of each latent cell are taken from its Dirichlet(alpha) (docs/ARCHITECTURE.md,
 * decision 8). The official code always samples, unseeded; here a sample is seeded and reproducible.
 * <ul>
 * <li>{@code sample}: one reparameterised draw (normalised Gamma draws; differentiable in alpha);</li>
 * <li>{@code mean}: w = alpha / sum(alpha), deterministic;</li>
 * <li>{@code mc:K}: the average of K draws (the latent w . C is linear in w, so this averages latents);</li>
 * <li>{@code argmax}: all weight on the entry with the largest alpha (ties share it);</li>
 * <li>{@code topk:K}: the mean restricted to the K largest alphas and renormalised.</li>
 * </ul>
 */
public sealed interface Sampling {
    /** The weights for concentrations {@code alpha} [..., N]; {@code generator} is used by the random modes. */
    Tensor weights(Tensor alpha, Generator generator);

    /** The name as accepted by {@link #parse}. */
    String name();

    /** Whether the weights are drawn (Gamma draws, made on the CPU), not computed from alpha where it is. */
    default boolean draws() {
        return false;
    }

    /** Refuses what a model of this configuration cannot do, before any work (topk:K beyond its codebook). */
    default void checkFor(DicFaceConfig config) {
    }

    record Sample() implements Sampling {
        @Override
        public Tensor weights(Tensor alpha, Generator generator) {
            return draw(alpha, generator);
        }

        @Override
        public boolean draws() {
            return true;
        }

        @Override
        public String name() {
            return "sample";
        }
    }

    record Mean() implements Sampling {
        @Override
        public Tensor weights(Tensor alpha, Generator generator) {
            try (Scope scope = Scope.open()) {
                return scope.keep(alpha.div(alpha.sum(new long[] {-1}, true)));
            }
        }

        @Override
        public String name() {
            return "mean";
        }
    }

    /**
     * The average of K draws. K is at most {@link #MAX_SAMPLES}: the average's spread around {@code mean} falls as
     * 1/sqrt(K), so at K = 1000 it is 3 % of one draw's, below an 8-bit step for any concentration, while the time
     * grows with K (one Gamma draw per codebook entry and cell each time); beyond that, {@code mean} is the answer.
     */
    record MonteCarlo(int samples) implements Sampling {
        public static final int MAX_SAMPLES = 1000;

        public MonteCarlo {
            if (samples < 1 || samples > MAX_SAMPLES) {
                throw new IllegalArgumentException("mc:K takes K from 1 to " + MAX_SAMPLES + ", got " + samples
                        + " (the average of K draws approaches 'mean' as 1/sqrt(K): for more, use mean)");
            }
        }

        @Override
        public Tensor weights(Tensor alpha, Generator generator) {
            try (Scope scope = Scope.open()) {
                Tensor sum = draw(alpha, generator);
                for (int i = 1; i < samples; i++) {
                    Tensor next;
                    try (Scope step = Scope.open()) {  // each draw freed at once: memory stays that of a few draws
                        next = step.keep(sum.add(draw(alpha, generator)));
                    }
                    sum.close();  // (out of place: an inference tensor cannot be updated in place)
                    sum = next;
                }
                return scope.keep(sum.div(samples));
            }
        }

        @Override
        public boolean draws() {
            return true;
        }

        @Override
        public String name() {
            return "mc:" + samples;
        }
    }

    record Argmax() implements Sampling {
        @Override
        public Tensor weights(Tensor alpha, Generator generator) {
            try (Scope scope = Scope.open()) {
                Tensor hot = alpha.eq(alpha.amax(new long[] {-1}, true)).to(alpha.dtype());
                return scope.keep(hot.div(hot.sum(new long[] {-1}, true)));
            }
        }

        @Override
        public String name() {
            return "argmax";
        }
    }

    /** The mean over the K largest concentrations; K at most the codebook's size ({@link #checkFor}). */
    record TopK(int k) implements Sampling {
        public TopK {
            if (k < 1) {
                throw new IllegalArgumentException("topk:K needs K >= 1, got " + k);
            }
        }

        @Override
        public void checkFor(DicFaceConfig config) {
            if (k > config.codebookSize()) {
                throw new IllegalArgumentException("topk:" + k + " asks for more entries than this model's codebook has ("
                        + config.codebookSize() + "): use K from 1 to " + config.codebookSize());
            }
        }

        @Override
        public Tensor weights(Tensor alpha, Generator generator) {
            try (Scope scope = Scope.open()) {
                long k = Math.min(this.k, alpha.size(-1));
                Tensor kth;
                try (Tensor.ValuesIndices top = alpha.topk(k, -1, true, false)) {
                    kth = top.values().amin(new long[] {-1}, true);
                }
                Tensor kept = alpha.mul(alpha.lt(kth).to(alpha.dtype()).rsub(1));
                return scope.keep(kept.div(kept.sum(new long[] {-1}, true)));
            }
        }

        @Override
        public String name() {
            return "topk:" + k;
        }
    }

    /** Parses mean, sample, argmax, topk:K or mc:K. */
    static Sampling parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no sampling given: use sample, mean, mc:K, argmax or topk:K");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("topk:")) {
                return new TopK(Integer.parseInt(t.substring(5)));
            }
            if (t.startsWith("mc:")) {
                return new MonteCarlo(Integer.parseInt(t.substring(3)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.trim() + "': K must be a whole number from 1"
                    + (t.startsWith("mc:") ? " to " + MonteCarlo.MAX_SAMPLES : " to the codebook's size"));
        }
        return switch (t) {
            case "sample" -> new Sample();
            case "mean" -> new Mean();
            case "argmax" -> new Argmax();
            default -> throw new IllegalArgumentException(
                    "unknown sampling '" + text + "': use sample, mean, mc:K, argmax or topk:K");
        };
    }

    /**
     * One Dirichlet draw as PyTorch's CPU sampler makes it: Gamma(alpha, 1) in double precision, each draw
     * at least DBL_MIN, normalised, clamped to [FLT_MIN, the largest float below 1], cast back.
     */
    static Tensor draw(Tensor alpha, Generator generator) {
        if (generator == null) {
            throw new IllegalArgumentException("sampling needs a seeded generator");
        }
        try (Scope scope = Scope.open()) {
            Tensor gamma = alpha.to(DType.FLOAT64).standardGamma(generator).clampMin(Double.MIN_NORMAL);
            Tensor w = gamma.div(gamma.sum(new long[] {-1}, true))
                    .clamp(Float.MIN_NORMAL, Math.nextDown(1.0f));
            return scope.keep(w.to(alpha.dtype()));
        }
    }

    /** Per-cell concentration sum(alpha) over the last dim: low means uncertain. */
    static Tensor concentration(Tensor alpha) {
        return alpha.sum(new long[] {-1}, false);
    }

    /** Per-cell entropy -sum(w log w) of the weights (0 log 0 taken as 0). */
    static Tensor entropy(Tensor w) {
        try (Scope scope = Scope.open()) {
            Tensor safe = w.clampMin(Float.MIN_NORMAL);
            return scope.keep(w.mul(safe.log()).sum(new long[] {-1}, false).neg());
        }
    }
}
