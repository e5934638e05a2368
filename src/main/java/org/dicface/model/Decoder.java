package org.dicface.model;

import java.util.Map;
import java.util.function.UnaryOperator;

import org.dicface.nn.Module;
import org.dicface.nn.ModuleList;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/** The VQGAN generator, the official "generator" (decoder) ({@code generator.blocks.*}): latent [n,d,h,w] to frames [n,3,H,W], unbounded. */
public final class Decoder extends Module {
    private final ModuleList<Module> blocks;

    public Decoder(DicFaceConfig config) {
        this.blocks = child("blocks", Blocks.build(new BlockPlan(config).generator()));
    }

    /** Runs every block; after block i, {@code afterBlock.get(i)} (if any) transforms the feature. */
    public Tensor forward(Tensor latent, Map<Integer, UnaryOperator<Tensor>> afterBlock) {
        try (Scope scope = Scope.open()) {
            Tensor h = latent;
            for (int i = 0; i < blocks.size(); i++) {
                h = Blocks.layer(blocks, i).forward(h);
                UnaryOperator<Tensor> hook = afterBlock.get(i);
                if (hook != null) {
                    h = hook.apply(h);
                }
            }
            return scope.keep(h);
        }
    }
}
