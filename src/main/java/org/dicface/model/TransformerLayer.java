package org.dicface.model;

import org.dicface.nn.LayerNorm;
import org.dicface.nn.Linear;
import org.dicface.nn.Module;
import org.dicface.nn.MultiheadAttention;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The pre-LN transformer layer of DicFace (TransformerSALayer; the temporal TransformerSALayerTemporal has
 * the same body): positions are added to queries and keys only, exact GELU, no dropout at inference.
 * Input and output are [sequence, batch, E].
 */
public final class TransformerLayer extends Module {
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;

    public TransformerLayer(int embed, int heads, int mlp) {
        this.selfAttn = child("self_attn", new MultiheadAttention(embed, heads));
        this.linear1 = child("linear1", new Linear(embed, mlp, true));
        this.linear2 = child("linear2", new Linear(mlp, embed, true));
        this.norm1 = child("norm1", new LayerNorm(embed, DicFaceConfig.LAYER_NORM_EPS));
        this.norm2 = child("norm2", new LayerNorm(embed, DicFaceConfig.LAYER_NORM_EPS));
    }

    /** {@code position} broadcasts over the batch: [sequence, 1, E]. */
    public Tensor forward(Tensor x, Tensor position) {
        try (Scope scope = Scope.open()) {
            Tensor y = norm1.forward(x);
            Tensor qk = y.add(position);
            Tensor h = x.add(selfAttn.forward(qk, qk, y));
            Tensor ff = linear2.forward(linear1.forward(norm2.forward(h)).gelu());
            return scope.keep(h.add(ff));
        }
    }
}
