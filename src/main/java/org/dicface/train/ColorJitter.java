package org.dicface.train;

import java.util.Random;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * A training augmentation that is not in the official recipe: each window's red, green and blue are scaled
 * by gains drawn from [1 - amount, 1 + amount] (the same for all its frames), before the window is degraded,
 * so the ground truth and the input share a white balance: meant to keep a model trained on few faces from
 * learning each face's colour instead of reading it from the input (on the demonstration data, 800 steps
 * of it did not remove the colour cast of unseen faces; models/demo/README.md).
 */
public record ColorJitter(double amount) {
    public static final ColorJitter NONE = new ColorJitter(0);

    public ColorJitter {
        if (!(amount >= 0 && amount < 1)) {
            throw new IllegalArgumentException("colour jitter must be in [0, 1), got " + amount + " (0.1 = gains 0.9 to 1.1)");
        }
    }

    /** The window [t, 3, H, W] in [0, 1] with its channels scaled and clamped to [0, 1]; amount 0 returns it and draws nothing. */
    public Tensor apply(Tensor window, Random random) {
        if (amount == 0) {
            return window;
        }
        float[] gains = new float[3];
        for (int c = 0; c < 3; c++) {
            gains[c] = (float) (1 + amount * (2 * random.nextDouble() - 1));
        }
        try (Scope scope = Scope.open()) {
            return scope.keep(window.mul(Tensor.of(gains, 1, 3, 1, 1)).clamp(0, 1));
        }
    }
}
