package org.dicface.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.dicface.nn.Linear;
import org.dicface.nn.Module;
import org.dicface.nn.Parameter;
import org.dicface.nn.ModuleList;
import org.dicface.torch.Generator;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * DicFace (the official TemporalCodeFormerDirDistMultiScale): parameter names and order equal the official
 * state dict. The forward pass is split into its stages so that a streaming pipeline can cache the per-frame
 * ones: {@link #encode} (encoder + MultiScaleFuse, per frame), {@link #transformer} (per 5-frame group),
 * {@link #logits}, {@link Sampling#weights}, {@link #latent} and {@link #decode} (per frame).
 */
public final class DicFace extends Module {
    private final DicFaceConfig config;
    private final Parameter positionEmb;
    private final Parameter positionEmbTemporal;
    private final Encoder encoder;
    private final Codebook quantize;
    private final Decoder generator;
    private final Linear featEmb;
    private final MultiScaleFuse multiscale;
    private final ModuleList<TransformerLayer> ftLayers;
    private final ModuleList<TransformerLayer> dirDistLayers;
    private final DirichletHead idxPredLayer;
    private final FuseBlocks fuseConvsDict;
    private boolean skipGradients;

    /** {@code fuse_convs_dict}: one SFT block per connect_list resolution, named by the resolution. */
    static final class FuseBlocks extends Module {
        final Map<Integer, FuseSftBlock> byResolution = new LinkedHashMap<>();

        FuseBlocks(DicFaceConfig c) {
            for (int r : c.connectList()) {
                byResolution.put(r, child(Integer.toString(r), new FuseSftBlock(c.channelsAt(r))));
            }
        }
    }

    public DicFace(DicFaceConfig config) {
        this.config = config;
        this.positionEmb = parameter("position_emb", Tensor.zeros(config.tokensPerFrame(), config.dimEmbed()));
        this.positionEmbTemporal = parameter("position_emb_temporal", Tensor.zeros(config.frameLength(), config.dimEmbed()));
        this.encoder = child("encoder", new Encoder(config));
        this.quantize = child("quantize", new Codebook(config.codebookSize(), config.codebookDim()));
        this.generator = child("generator", new Decoder(config));
        this.featEmb = child("feat_emb", new Linear(config.codebookDim(), config.dimEmbed(), true));
        this.multiscale = child("multiscale", new MultiScaleFuse(config));
        this.ftLayers = child("ft_layers", new ModuleList<>());
        this.dirDistLayers = child("dir_dist_layers", new ModuleList<>());
        for (int l = 0; l < config.nLayers(); l++) {
            ftLayers.add(new TransformerLayer(config.dimEmbed(), config.nHead(), config.dimMlp()));
            dirDistLayers.add(new TransformerLayer(config.dimEmbed(), config.nHead(), config.dimMlp()));
        }
        this.idxPredLayer = child("idx_pred_layer", new DirichletHead(config.dimEmbed(), config.codebookSize()));
        this.fuseConvsDict = child("fuse_convs_dict", new FuseBlocks(config));
        // The official model keeps the learned spatial position table frozen.
        positionEmb.get().requiresGrad(false);
        eval();  // a new model restores; the trainer switches it to training (dropout) itself
    }

    /** Where the weights are. */
    public org.dicface.torch.Device device() {
        return positionEmb.get().device();
    }

    /** The dtype of the weights (float32, or float16 for an fp16 model): inputs are converted to it. */
    public org.dicface.torch.DType dtype() {
        return positionEmb.get().dtype();
    }

    public DicFaceConfig config() {
        return config;
    }

    /**
     * Whether the loss reaches the encoder through the skip features. The official code detaches them: its
     * encoder comes trained from CodeFormer, and only the transformer path tunes it. Training from scratch, the
     * encoder otherwise learns only through the Dirichlet weights, which the KL pulls to the prior.
     */
    public DicFace skipGradients(boolean on) {
        this.skipGradients = on;
        return this;
    }

    public Codebook codebook() {
        return quantize;
    }

    /** Per-frame features: the transformer input lq_feat [n,d,h,w] and the skip features for the generator. */
    public record Encoded(Tensor lqFeat, Map<Integer, Tensor> skips) implements AutoCloseable {
        @Override
        public void close() {
            lqFeat.close();
            skips.values().forEach(Tensor::close);
        }
    }

    /** Encoder and MultiScaleFuse on frames [n,3,H,W] in [-1,1]; deterministic and independent per frame. */
    public Encoded encode(Tensor frames, Probe probe) {
        checkFrames(frames);
        try (Scope scope = Scope.open(); Encoder.Output e = encoder.forward(frames)) {
            for (var skip : e.skips().entrySet()) {
                probe.record("enc_skip_" + skip.getKey(), skip.getValue());
            }
            probe.record("enc_out", e.z());
            Tensor lq = multiscale.forward(e.skips().get(config.multiscaleTapHigh()), e.skips().get(config.multiscaleTapLow()), e.z());
            probe.record("lq_feat", lq);
            Map<Integer, Tensor> skips = new LinkedHashMap<>();
            for (int r : config.connectList()) {
                Tensor skip = e.skips().get(r);
                skips.put(r, scope.keep(skipGradients ? skip.view(skip.shape()) : skip.detach()));
            }
            return new Encoded(scope.keep(lq), skips);
        }
    }

    private void checkFrames(Tensor frames) {
        long[] s = frames.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != config.imgSize() || s[3] != config.imgSize()) {
            throw new IllegalArgumentException("frames must be [n, 3, " + config.imgSize() + ", " + config.imgSize()
                    + "] for this model, got " + java.util.Arrays.toString(s));
        }
    }

    /**
     * The spatio-temporal transformer on lq_feat [b*t, d, h, w], t = frame_length consecutive frames per group:
     * spatial layer l over the tokens of each frame, then temporal layer l over the frames of each group at
     * each token. Returns tokens [h*w, b*t, E].
     */
    public Tensor transformer(Tensor lqFeat, Probe probe) {
        long frames = lqFeat.size(0);
        int t = config.frameLength();
        if (frames % t != 0) {
            throw new IllegalArgumentException("the transformer runs on groups of " + t + " frames; got " + frames);
        }
        long groups = frames / t;
        long tokens = config.tokensPerFrame();
        long e = config.dimEmbed();
        try (Scope scope = Scope.open()) {
            Tensor x = featEmb.forward(lqFeat.flatten(2).permute(2, 0, 1));  // [hw, bt, E]
            probe.record("tokens_in", x);
            Tensor spatialPos = positionEmb.get().unsqueeze(1);
            Tensor temporalPos = positionEmbTemporal.get().unsqueeze(1);
            for (int l = 0; l < config.nLayers(); l++) {
                x = ftLayers.get(l).forward(x, spatialPos);
                probe.record("tokens_after_spatial_" + l, x);
                // [d, (b t), c] -> [t, (b d), c]: attention runs across the frames of a group
                Tensor temporal = x.view(tokens, groups, t, e).permute(2, 1, 0, 3).reshape(t, groups * tokens, e);
                temporal = dirDistLayers.get(l).forward(temporal, temporalPos);
                x = temporal.view(t, groups, tokens, e).permute(2, 1, 0, 3).reshape(tokens, groups * t, e);
                probe.record("tokens_after_temporal_" + l, x);
            }
            probe.record("tokens_out", x);
            return scope.keep(x);
        }
    }

    /** Dirichlet logits [frames, h*w, N] of transformer tokens [h*w, frames, E]. */
    public Tensor logits(Tensor tokens) {
        return idxPredLayer.logits(tokens);
    }

    /** The latent [frames, d, h, w] from codebook weights w [frames, h*w, N]. */
    public Tensor latent(Tensor w) {
        return quantize.latent(w, config.latentSize());
    }

    /**
     * The generator on a latent, fusing the encoder skip features of the same frames with fidelity weight
     * {@code fidelity} in [0, 1] (official: 1; 0 skips the fusion). The output is unbounded; clamp to [-1, 1]
     * only when converting to pixels.
     */
    public Tensor decode(Tensor latent, Map<Integer, Tensor> skips, double fidelity) {
        if (fidelity < 0 || fidelity > 1) {
            throw new IllegalArgumentException("fidelity weight must be in [0, 1], got " + fidelity);
        }
        Map<Integer, UnaryOperator<Tensor>> hooks = new LinkedHashMap<>();
        if (fidelity > 0) {
            for (var fuse : fuseConvsDict.byResolution.entrySet()) {
                Tensor skip = skips.get(fuse.getKey());
                hooks.put(config.fuseGeneratorBlock().get(fuse.getKey()), h -> fuse.getValue().forward(skip, h, fidelity));
            }
        }
        return generator.forward(latent, hooks);
    }

    /** Everything a full forward pass yields. */
    public record Result(Tensor alpha, Tensor w, Tensor out) implements AutoCloseable {
        @Override
        public void close() {
            alpha.close();
            w.close();
            out.close();
        }
    }

    /** The official forward on frames [b*t, 3, H, W], with the given sampling and fidelity weight. */
    public Result forward(Tensor frames, Sampling sampling, Generator random, double fidelity, Probe probe) {
        try (Scope scope = Scope.open(); Encoded enc = encode(frames, probe)) {
            Tensor tokens = transformer(enc.lqFeat(), probe);
            Tensor logits = logits(tokens);
            probe.record("logits", logits);
            Tensor alpha = DirichletHead.alpha(logits);
            probe.record("alpha", alpha);
            Tensor w = sampling.weights(alpha, random);
            Tensor quant = latent(w);
            probe.record("quant", quant);
            Tensor out = decode(quant, enc.skips(), fidelity);
            return new Result(scope.keep(alpha), scope.keep(w), scope.keep(out));
        }
    }
}
