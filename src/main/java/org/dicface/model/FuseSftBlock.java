package org.dicface.model;

import java.util.List;

import org.dicface.nn.Conv2d;
import org.dicface.nn.Module;
import org.dicface.nn.ResBlock;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * CodeFormer's controllable feature transformation (Fuse_sft_block): h = ResBlock(concat[enc, dec]);
 * out = dec + w . (dec * scale(h) + shift(h)), with scale and shift conv3 - LeakyReLU(0.2) - conv3. The official
 * block detaches enc; here {@link DicFace#encode} does, so that training from scratch can choose not to.
 */
public final class FuseSftBlock extends Module {
    private final ResBlock encodeEnc;
    private final Branch scale;
    private final Branch shift;

    /** torch.nn.Sequential(conv, LeakyReLU(0.2), conv): parameters under "0" and "2". */
    static final class Branch extends Module {
        private final Conv2d first;
        private final Conv2d second;

        Branch(int channels) {
            this.first = child("0", new Conv2d(channels, channels, 3));
            this.second = child("2", new Conv2d(channels, channels, 3));
        }

        Tensor forward(Tensor x) {
            try (Scope scope = Scope.open()) {
                return scope.keep(second.forward(first.forward(x).leakyRelu(0.2)));
            }
        }
    }

    public FuseSftBlock(int channels) {
        this.encodeEnc = child("encode_enc", new ResBlock(2L * channels, channels));
        this.scale = child("scale", new Branch(channels));
        this.shift = child("shift", new Branch(channels));
    }

    public Tensor forward(Tensor enc, Tensor dec, double fidelity) {
        try (Scope scope = Scope.open()) {
            Tensor h = encodeEnc.forward(Tensor.cat(List.of(enc, dec), 1));
            Tensor residual = dec.mul(scale.forward(h)).add(shift.forward(h)).mul(fidelity);
            return scope.keep(dec.add(residual));
        }
    }
}
