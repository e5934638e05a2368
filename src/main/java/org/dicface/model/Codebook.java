package org.dicface.model;

import org.dicface.nn.Init;
import org.dicface.nn.Module;
import org.dicface.torch.Tensor;

/**
 * The codebook C [N, d] ({@code quantize.embedding.weight}). DicFace never looks up nearest entries: the
 * latent of each cell is the mixture w . C of all entries with Dirichlet weights w.
 */
public final class Codebook extends Module {
    private final Embedding embedding;

    /** torch.nn.Embedding, here only a holder of the weight (the name the state dict uses). */
    static final class Embedding extends Module {
        final Tensor weight;

        Embedding(int entries, int dim) {
            this.weight = parameter("weight", Init.uniform(1.0 / entries, entries, dim));
        }
    }

    public Codebook(int entries, int dim) {
        this.embedding = child("embedding", new Embedding(entries, dim));
    }

    public Tensor weight() {
        return embedding.weight;
    }

    public int size() {
        return (int) embedding.weight.size(0);
    }

    public int dim() {
        return (int) embedding.weight.size(1);
    }

    /** Latent cells from weights w [frames, h*w, N]: (w . C) arranged as [frames, d, h, w]. */
    public Tensor latent(Tensor w, int side) {
        long frames = w.size(0);
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            Tensor v = w.reshape(-1, size()).matmul(embedding.weight);   // [(frames h w), d]
            return scope.keep(v.view(frames, side, side, dim()).permute(0, 3, 1, 2).contiguous());
        }
    }
}
