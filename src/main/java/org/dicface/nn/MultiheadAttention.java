package org.dicface.nn;

import java.util.List;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * torch.nn.MultiheadAttention (batch_first = False, no masks; dropout on the weights only in training) with its packed
 * parameters: in_proj_weight [3E, E] holds the rows of Wq, Wk, Wv in that order; in_proj_bias [3E];
 * out_proj.weight and out_proj.bias. Inputs are [sequence, batch, E].
 */
public final class MultiheadAttention extends Module {
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;
    private final long embed;
    private final long heads;

    /** Dropout on the attention weights in training (the official layers use 0.1). */
    private final double dropout;

    public MultiheadAttention(long embed, long heads) {
        this(embed, heads, 0);
    }

    public MultiheadAttention(long embed, long heads, double dropout) {
        if (embed % heads != 0) {
            throw new IllegalArgumentException("embedding " + embed + " is not divisible by " + heads + " heads");
        }
        this.embed = embed;
        this.heads = heads;
        this.dropout = dropout;
        this.inProjWeight = parameter("in_proj_weight", Init.xavierUniform(3 * embed, embed));
        this.inProjBias = parameter("in_proj_bias", Tensor.zeros(3 * embed));
        this.outProj = child("out_proj", new Linear(embed, embed, true));
    }

    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        try (Scope scope = Scope.open()) {
            long targetLength = query.size(0);
            long batch = query.size(1);
            long sourceLength = key.size(0);
            long headDim = embed / heads;
            List<Tensor> w = inProjWeight.get().chunk(3, 0);
            List<Tensor> b = inProjBias.get().chunk(3, 0);
            // [L, N, E] -> [N*heads, L, headDim], as torch.nn.functional.multi_head_attention_forward
            Tensor q = query.linear(w.get(0), b.get(0)).reshape(targetLength, batch * heads, headDim).transpose(0, 1);
            Tensor k = key.linear(w.get(1), b.get(1)).reshape(sourceLength, batch * heads, headDim).transpose(0, 1);
            Tensor v = value.linear(w.get(2), b.get(2)).reshape(sourceLength, batch * heads, headDim).transpose(0, 1);
            Tensor attended;
            if (isTraining() && dropout > 0) {  // dropout on the weights, drawn from the seeded generator
                attended = Dropout.apply(q.div(Math.sqrt(headDim)).bmm(k.transpose(1, 2)).softmax(-1), dropout, true).bmm(v);
            } else {
                attended = q.attention(k, v);
            }
            Tensor out = attended.transpose(0, 1).reshape(targetLength * batch, embed);
            return scope.keep(outProj.forward(out).view(targetLength, batch, embed));
        }
    }
}
