package org.dicface.nn;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The VQGAN single-head self-attention over the positions of one image: q, k, v and proj_out are 1x1
 * convs after a GroupNorm; the softmax runs over the keys; scale C^-1/2; out = x + proj_out(attention).
 */
public final class AttnBlock extends Module implements Layer {
    private final GroupNorm norm;
    private final Conv2d q;
    private final Conv2d k;
    private final Conv2d v;
    private final Conv2d projOut;

    public AttnBlock(long channels) {
        this.norm = child("norm", new GroupNorm(ResBlock.GROUPS, channels, ResBlock.EPS));
        this.q = child("q", new Conv2d(channels, channels, 1));
        this.k = child("k", new Conv2d(channels, channels, 1));
        this.v = child("v", new Conv2d(channels, channels, 1));
        this.projOut = child("proj_out", new Conv2d(channels, channels, 1));
    }

    @Override
    public Tensor forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            long[] s = x.shape();
            long b = s[0];
            long c = s[1];
            long hw = s[2] * s[3];
            Tensor h = norm.forward(x);
            Tensor queries = q.forward(h).reshape(b, c, hw).permute(0, 2, 1);   // [b, hw, c]
            Tensor keys = k.forward(h).reshape(b, c, hw);                        // [b, c, hw]
            Tensor weights = queries.bmm(keys).mul(1 / Math.sqrt(c)).softmax(2);   // [b, query, key]
            Tensor values = v.forward(h).reshape(b, c, hw);
            Tensor attended = values.bmm(weights.permute(0, 2, 1)).reshape(s);    // [b, c, query]
            return scope.keep(x.add(projOut.forward(attended)));
        }
    }
}
