package org.dicface.model;

import org.dicface.nn.Init;
import org.dicface.nn.Module;
import org.dicface.nn.Parameter;
import org.dicface.torch.Tensor;

/**
 * The codebook C [N, d] ({@code quantize.embedding.weight}). DicFace never looks up nearest entries: the
 * latent of each cell is the mixture w . C of all entries with Dirichlet weights w.
 */
public final class Codebook extends Module {
    private final Embedding embedding;

    /** torch.nn.Embedding, here only a holder of the weight (the name the state dict uses). */
    static final class Embedding extends Module {
        final Parameter weight;

        Embedding(int entries, int dim) {
            this.weight = parameter("weight", Init.uniform(1.0 / entries, entries, dim));
        }
    }

    public Codebook(int entries, int dim) {
        this.embedding = child("embedding", new Embedding(entries, dim));
    }

    public Tensor weight() {
        return embedding.weight.get();
    }

    public int size() {
        return (int) embedding.weight.get().size(0);
    }

    public int dim() {
        return (int) embedding.weight.get().size(1);
    }

    /** The name of the codebook tensor in state dicts and in exported codebook files. */
    public static final String KEY = "quantize.embedding.weight";

    /** Writes the codebook to a safetensors file holding one tensor, {@link #KEY}. */
    public void export(java.nio.file.Path file) throws java.io.IOException {
        org.dicface.io.SafeTensors.write(file, java.util.Map.of(KEY, embedding.weight.get()),
                java.util.Map.of("entries", Integer.toString(size()), "dim", Integer.toString(dim())));
    }

    /**
     * Replaces the codebook with one read from a safetensors file (tensor {@link #KEY}, or the file's only
     * tensor). It must have this model's shape: a codebook of another size needs a model built for it.
     */
    public void replace(java.nio.file.Path file) throws java.io.IOException {
        try (org.dicface.io.SafeTensors st = org.dicface.io.SafeTensors.open(file)) {
            String name = st.entries().containsKey(KEY) ? KEY
                    : st.entries().size() == 1 ? st.entries().keySet().iterator().next() : null;
            if (name == null) {
                throw new org.dicface.io.CheckpointException(file + " holds no tensor '" + KEY + "'");
            }
            try (Tensor c = st.load(name)) {
                if (!java.util.Arrays.equals(c.shape(), embedding.weight.get().shape())) {
                    throw new IllegalArgumentException("the codebook in " + file + " is " + java.util.Arrays.toString(c.shape())
                            + " but this model takes " + java.util.Arrays.toString(embedding.weight.get().shape())
                            + (c.dim() == 2 ? ": use a configuration with codebook_size " + c.size(0) + " and codebook_dim " + c.size(1)
                                    : ": a codebook is a matrix [entries, dim]"));
                }
                try (org.dicface.torch.GradMode.Guard g = org.dicface.torch.GradMode.NO_GRAD.enter()) {
                    embedding.weight.get().copyFrom(c);
                }
            }
        }
    }

    /** Latent cells from weights w [frames, h*w, N]: (w . C) arranged as [frames, d, h, w]. */
    public Tensor latent(Tensor w, int side) {
        long frames = w.size(0);
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            Tensor entries = embedding.weight.get();
            // w comes from the fp32 sampling; an fp16 model's codebook takes it in its own dtype
            Tensor v = w.to(entries.dtype()).reshape(-1, size()).matmul(entries);   // [(frames h w), d]
            return scope.keep(v.view(frames, side, side, dim()).permute(0, 3, 1, 2).contiguous());
        }
    }
}
