package org.dicface.model;

import org.dicface.nn.Dropout;
import org.dicface.nn.LayerNorm;
import org.dicface.nn.Linear;
import org.dicface.nn.Module;
import org.dicface.nn.MultiheadAttention;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The pre-LN transformer layer of DicFace (TransformerSALayer; the temporal TransformerSALayerTemporal has
 * the same body): positions are added to queries and keys only, exact GELU; in training, dropout 0.1 on the
 * attention weights, the FFN hidden layer and both residual branches, as the official layers.
 * Input and output are [sequence, batch, E].
 */
public final class TransformerLayer extends Module {
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;

    /** The official dropout of the transformer layers (training only). */
    public static final double DROPOUT = 0.1;

    public TransformerLayer(int embed, int heads, int mlp) {
        this.selfAttn = child("self_attn", new MultiheadAttention(embed, heads, DROPOUT));
        this.linear1 = child("linear1", new Linear(embed, mlp, true));
        this.linear2 = child("linear2", new Linear(mlp, embed, true));
        this.norm1 = child("norm1", new LayerNorm(embed, DicFaceConfig.LAYER_NORM_EPS));
        this.norm2 = child("norm2", new LayerNorm(embed, DicFaceConfig.LAYER_NORM_EPS));
    }

    /** {@code position} broadcasts over the batch: [sequence, 1, E]. */
    public Tensor forward(Tensor x, Tensor position) {
        try (Scope scope = Scope.open()) {
            boolean training = isTraining();
            Tensor y = norm1.forward(x);
            Tensor qk = y.add(position);
            Tensor h = x.add(Dropout.apply(selfAttn.forward(qk, qk, y), DROPOUT, training));
            Tensor hidden = Dropout.apply(linear1.forward(norm2.forward(h)).gelu(), DROPOUT, training);
            return scope.keep(h.add(Dropout.apply(linear2.forward(hidden), DROPOUT, training)));
        }
    }
}
