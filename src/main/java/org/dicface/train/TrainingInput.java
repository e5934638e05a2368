package org.dicface.train;

import java.util.Random;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * How each training window and its degraded input are made, beyond the official recipe's window choice:
 * {@code colorJitter} and {@code flip} (a left-right mirror with p 0.5) are augmentations the official recipe
 * does not use (meant for small data); {@code degradationSize} is the frame size the restoration degradation
 * acts at ({@link Degradation#apply(org.dicface.io.Task, Tensor, long, int)}: 512 by default, the official
 * frame size, so that a smaller model's frames are degraded as the official 512-pixel frames are).
 */
public record TrainingInput(ColorJitter colorJitter, boolean flip, int degradationSize) {
    public static final TrainingInput OFFICIAL = new TrainingInput(ColorJitter.NONE, false, Degradation.OFFICIAL_SIZE);

    public TrainingInput {
        java.util.Objects.requireNonNull(colorJitter, "colorJitter");
        Degradation.checkSize(degradationSize);
    }

    /** The window [t, 3, H, W] as the model trains on it; draws nothing when both augmentations are off. */
    public Tensor augment(Tensor window, Random random) {
        Tensor jittered = colorJitter.apply(window, random);
        if (!flip || !random.nextBoolean()) {
            return jittered;
        }
        try (Scope scope = Scope.open()) {
            long w = window.size(3);
            long[] reversed = new long[(int) w];
            for (int x = 0; x < w; x++) {
                reversed[x] = w - 1 - x;
            }
            return scope.keep(jittered.indexSelect(3, Tensor.of(reversed, w)));
        }
    }
}
