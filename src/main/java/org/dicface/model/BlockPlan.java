package org.dicface.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The block lists of the VQGAN encoder and generator (CodeFormer's vqgan_arch), derived from the sizes:
 * which block stands at which index, with its channels and resolution. Encoder and Generator build their
 * ModuleLists from it, so that the index of every block (and of its state-dict keys) is the official one.
 */
public final class BlockPlan {
    public enum Kind { CONV, RES, ATTN, DOWN, UP, NORM }

    /** One block: kind, input and output channels, output resolution and resolution level. */
    public record Block(Kind kind, int in, int out, int resolution, int level) {
    }

    private final List<Block> encoder = new ArrayList<>();
    private final List<Block> generator = new ArrayList<>();

    public BlockPlan(DicFaceConfig c) {
        this(c.imgSize(), c.nf(), c.chMult(), c.resBlocks(), c.attnResolutions(), c.codebookDim());
    }

    BlockPlan(int imgSize, int nf, List<Integer> chMult, int resBlocks, List<Integer> attnResolutions, int embDim) {
        int levels = chMult.size();
        // encoder: conv in; per level ResBlocks (+ AttnBlocks at attention resolutions), Downsample between
        // levels; then the "non-local" ResBlock, AttnBlock, ResBlock; GroupNorm; conv to the latent width
        int res = imgSize;
        int ch = nf;
        encoder.add(new Block(Kind.CONV, 3, nf, res, 0));
        for (int level = 0; level < levels; level++) {
            int out = nf * chMult.get(level);
            for (int r = 0; r < resBlocks; r++) {
                encoder.add(new Block(Kind.RES, ch, out, res, level));
                ch = out;
                if (attnResolutions.contains(res)) {
                    encoder.add(new Block(Kind.ATTN, ch, ch, res, level));
                }
            }
            if (level != levels - 1) {
                res /= 2;
                encoder.add(new Block(Kind.DOWN, ch, ch, res, level + 1));
            }
        }
        int last = levels - 1;
        encoder.add(new Block(Kind.RES, ch, ch, res, last));
        encoder.add(new Block(Kind.ATTN, ch, ch, res, last));
        encoder.add(new Block(Kind.RES, ch, ch, res, last));
        encoder.add(new Block(Kind.NORM, ch, ch, res, last));
        encoder.add(new Block(Kind.CONV, ch, embDim, res, last));

        // generator: the mirror image, from the latent up
        ch = nf * chMult.get(last);
        generator.add(new Block(Kind.CONV, embDim, ch, res, last));
        generator.add(new Block(Kind.RES, ch, ch, res, last));
        generator.add(new Block(Kind.ATTN, ch, ch, res, last));
        generator.add(new Block(Kind.RES, ch, ch, res, last));
        for (int level = last; level >= 0; level--) {
            int out = nf * chMult.get(level);
            for (int r = 0; r < resBlocks; r++) {
                generator.add(new Block(Kind.RES, ch, out, res, level));
                ch = out;
                if (attnResolutions.contains(res)) {
                    generator.add(new Block(Kind.ATTN, ch, ch, res, level));
                }
            }
            if (level != 0) {
                res *= 2;
                generator.add(new Block(Kind.UP, ch, ch, res, level - 1));
            }
        }
        generator.add(new Block(Kind.NORM, ch, ch, res, 0));
        generator.add(new Block(Kind.CONV, ch, 3, res, 0));
    }

    public List<Block> encoder() {
        return List.copyOf(encoder);
    }

    public List<Block> generator() {
        return List.copyOf(generator);
    }

    /** The official encoder skip taps: the last ResBlock of a level, inside the per-level loop. */
    int lastEncoderResBlock(int level) {
        int found = -1;
        int end = encoder.size() - 5;  // before the non-local blocks, norm and conv out
        for (int i = 0; i < end; i++) {
            Block b = encoder.get(i);
            if (b.kind() == Kind.RES && b.level() == level) {
                found = i;
            }
        }
        return found;
    }

    /**
     * The official generator fuse points: the first ResBlock of a level; at the lowest level (never in a
     * connect_list) CodeFormer uses the second one, whose index follows the same 3-block stride.
     */
    int firstGeneratorResBlock(int level) {
        int lowest = generator.get(0).level();
        int seen = 0;
        for (int i = 4; i < generator.size(); i++) {
            Block b = generator.get(i);
            if (b.kind() == Kind.RES && b.level() == level) {
                if (level != lowest || ++seen == 2) {
                    return i;
                }
            }
        }
        return -1;
    }
}
