package org.dicface.model;

/**
 * Floating-point operations of the network's parts, counted from the configuration (a multiply-add is 2
 * FLOPs; convolutions, linear layers and attention products are counted, normalisations and elementwise ops
 * are not, being a fraction of a percent).
 */
public final class Flops {
    private Flops() {
    }

    private static double conv(long in, long out, int kernel, long resolution) {
        return 2.0 * in * out * kernel * kernel * resolution * resolution;
    }

    private static double block(BlockPlan.Block b) {
        long r = b.resolution();
        return switch (b.kind()) {
            case CONV, DOWN, UP -> conv(b.in(), b.out(), 3, r);
            case RES -> conv(b.in(), b.out(), 3, r) + conv(b.out(), b.out(), 3, r) + (b.in() != b.out() ? conv(b.in(), b.out(), 1, r) : 0);
            case ATTN -> 4 * conv(b.in(), b.in(), 1, r) + 2 * 2.0 * r * r * r * r * b.in();
            case NORM -> 0;
        };
    }

    /** Encoder and MultiScaleFuse for one frame. */
    public static double encodePerFrame(DicFaceConfig c) {
        double f = new BlockPlan(c).encoder().stream().mapToDouble(Flops::block).sum();
        long lat = c.latentSize();
        long d = c.codebookDim();
        f += conv(16L * c.channelsAt(c.multiscaleTapHigh()), d, 1, lat) + conv(4L * c.channelsAt(c.multiscaleTapLow()), d, 1, lat)
                + conv(d, d, 1, lat) + conv(3 * d, d, 3, lat);
        return f;
    }

    /** The transformer (feat_emb, all spatial and temporal layers) and the Dirichlet head for one group of frames. */
    public static double transformerPerGroup(DicFaceConfig c) {
        double t = c.frameLength();
        double n = c.tokensPerFrame();
        double e = c.dimEmbed();
        double cells = t * n;
        double projections = 2 * e * 3 * e * cells + 2 * e * e * cells + 2 * 2 * e * c.dimMlp() * cells;
        double spatialAttention = t * 2 * 2 * n * n * e;
        double temporalAttention = n * 2 * 2 * t * t * e;
        return 2 * c.codebookDim() * e * cells
                + c.nLayers() * (2 * projections + spatialAttention + temporalAttention)
                + 2 * e * c.codebookSize() * cells;
    }

    /** The latent w . C and the generator with its SFT fusion blocks, for one frame. */
    public static double decodePerFrame(DicFaceConfig c) {
        double f = 2.0 * c.codebookSize() * c.codebookDim() * c.tokensPerFrame();
        f += new BlockPlan(c).generator().stream().mapToDouble(Flops::block).sum();
        for (int r : c.connectList()) {
            long ch = c.channelsAt(r);
            f += conv(2 * ch, ch, 3, r) + conv(ch, ch, 3, r) + conv(2 * ch, ch, 1, r) + 4 * conv(ch, ch, 3, r);
        }
        return f;
    }
}
