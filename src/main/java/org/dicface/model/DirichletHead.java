package org.dicface.model;

import org.dicface.nn.LayerNorm;
import org.dicface.nn.Linear;
import org.dicface.nn.Module;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * {@code idx_pred_layer}: LayerNorm then a bias-free Linear to N logits per token; the Dirichlet
 * concentrations are alpha = softplus(logits) + 0.01 (softplus with beta 1, threshold 20).
 */
public final class DirichletHead extends Module {
    private final LayerNorm norm;
    private final Linear linear;

    public DirichletHead(int embed, int entries) {
        this.norm = child("0", new LayerNorm(embed, DicFaceConfig.LAYER_NORM_EPS));
        this.linear = child("1", new Linear(embed, entries, false));
    }

    /** Tokens [sequence, frames, E] to logits [frames, sequence, N]. */
    public Tensor logits(Tensor tokens) {
        try (Scope scope = Scope.open()) {
            return scope.keep(linear.forward(norm.forward(tokens)).permute(1, 0, 2).contiguous());
        }
    }

    /**
     * Concentrations from logits, always in fp32: in an fp16 model alpha sits near its small offset where
     * fp16 keeps few digits, and the Gamma draws of the sampling need fp32 on the CPU.
     */
    public static Tensor alpha(Tensor logits) {
        try (Scope scope = Scope.open()) {
            return scope.keep(logits.to(org.dicface.torch.DType.FLOAT32).softplus(1, 20).add(DicFaceConfig.ALPHA_OFFSET));
        }
    }
}
