package org.dicface.train;

import org.dicface.torch.Generator;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The official noise of the restoration degradation, per frame: Gaussian with sigma uniform in [0, 10] / 255,
 * the same for the three channels (gray noise) with p 0.5; the result clipped to [0, 1].
 */
public final class Noise {
    private Noise() {
    }

    /** One frame [C, H, W] in [0, 1] with noise of {@code sigma} (in [0, 1] units), gray or per channel. */
    public static Tensor add(Tensor frame, double sigma, boolean gray, Generator random) {
        try (Scope scope = Scope.open()) {
            long[] s = frame.shape();
            Tensor noise = gray ? Tensor.normal(0, sigma, random, frame.dtype(), frame.device(), 1, s[1], s[2]).expand(s)
                    : Tensor.normal(0, sigma, random, frame.dtype(), frame.device(), s);
            return scope.keep(frame.add(noise).clamp(0, 1));
        }
    }
}
