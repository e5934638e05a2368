package org.dicface.model;

import java.util.List;

import org.dicface.nn.AttnBlock;
import org.dicface.nn.Conv2d;
import org.dicface.nn.Downsample;
import org.dicface.nn.GroupNorm;
import org.dicface.nn.Layer;
import org.dicface.nn.Module;
import org.dicface.nn.ModuleList;
import org.dicface.nn.ResBlock;
import org.dicface.nn.Upsample;

/** Builds the {@code blocks} ModuleList of the encoder or generator from a block plan. */
final class Blocks {
    private Blocks() {
    }

    static ModuleList<Module> build(List<BlockPlan.Block> plan) {
        ModuleList<Module> blocks = new ModuleList<>();
        for (BlockPlan.Block b : plan) {
            blocks.add(switch (b.kind()) {
                case CONV -> new Conv2d(b.in(), b.out(), 3);
                case RES -> new ResBlock(b.in(), b.out());
                case ATTN -> new AttnBlock(b.in());
                case DOWN -> new Downsample(b.in());
                case UP -> new Upsample(b.in());
                case NORM -> new GroupNorm(ResBlock.GROUPS, b.in(), DicFaceConfig.GROUP_NORM_EPS);
            });
        }
        return blocks;
    }

    static Layer layer(ModuleList<Module> blocks, int index) {
        return (Layer) blocks.get(index);
    }
}
