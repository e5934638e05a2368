package org.dicface.train;

import java.util.Map;

import org.dicface.torch.GradMode;
import org.dicface.torch.Tensor;

/**
 * The exponential moving average of the weights that inference uses (basicsr's model_ema, official decay
 * 0.997): after every step, ema = decay * ema + (1 - decay) * weights, for every parameter.
 */
public final class Ema {
    private final Map<String, Tensor> weights;
    private final Map<String, Tensor> averaged;
    private final double decay;

    /** Both maps hold the same names (the training model's and the EMA model's state dicts). */
    public Ema(Map<String, Tensor> weights, Map<String, Tensor> averaged, double decay) {
        if (!weights.keySet().equals(averaged.keySet())) {
            throw new IllegalArgumentException("the EMA model and the trained model have different parameters");
        }
        this.weights = weights;
        this.averaged = averaged;
        this.decay = decay;
    }

    public void update() {
        try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            weights.forEach((name, w) -> averaged.get(name).mulInPlace(decay).addInPlace(w, 1 - decay));
        }
    }
}
