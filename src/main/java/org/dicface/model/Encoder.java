package org.dicface.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.nn.Module;
import org.dicface.nn.ModuleList;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/** The VQGAN encoder ({@code encoder.blocks.*}): frames [n,3,H,W] to the latent [n,d,h,w] plus skip features. */
public final class Encoder extends Module {
    private final ModuleList<Module> blocks;
    private final Map<Integer, Integer> taps = new LinkedHashMap<>();  // block index -> resolution

    /** Output of the encoder: z and the block outputs kept as skip features, by resolution. */
    public record Output(Tensor z, Map<Integer, Tensor> skips) implements AutoCloseable {
        @Override
        public void close() {
            z.close();
            skips.values().forEach(Tensor::close);
        }
    }

    public Encoder(DicFaceConfig config) {
        this.blocks = child("blocks", Blocks.build(new BlockPlan(config).encoder()));
        for (int r : config.connectList()) {
            taps.put(config.fuseEncoderBlock().get(r), r);
        }
        taps.put(config.fuseEncoderBlock().get(config.multiscaleTapHigh()), config.multiscaleTapHigh());
        taps.put(config.fuseEncoderBlock().get(config.multiscaleTapLow()), config.multiscaleTapLow());
    }

    public Output forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            Map<Integer, Tensor> skips = new LinkedHashMap<>();
            Tensor h = x;
            for (int i = 0; i < blocks.size(); i++) {
                h = Blocks.layer(blocks, i).forward(h);
                Integer resolution = taps.get(i);
                if (resolution != null) {
                    skips.put(resolution, scope.keep(h));
                }
            }
            return new Output(scope.keep(h), skips);
        }
    }
}
