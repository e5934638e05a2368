package org.dicface.train;

import java.util.Random;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The official down- and upsampling of the restoration degradation: one interpolation per clip, area with
 * p 0.2, bilinear 0.4, bicubic 0.4 (OpenCV's INTER_AREA, INTER_LINEAR, INTER_CUBIC), used both ways.
 */
public enum Resize {
    AREA, BILINEAR, BICUBIC;

    public static Resize random(Random random) {
        double u = random.nextDouble();
        return u < 0.2 ? AREA : u < 0.6 ? BILINEAR : BICUBIC;
    }

    /** Frames [T, C, H, W] to [T, C, height, width]. Area is an exact box filter for whole-number shrink factors. */
    public Tensor apply(Tensor frames, long height, long width) {
        long h = frames.size(2);
        long w = frames.size(3);
        try (Scope scope = Scope.open()) {
            Tensor out;
            if (this == AREA && h % height == 0 && w % width == 0) {
                long fy = h / height;
                long fx = w / width;
                out = frames.reshape(frames.size(0), frames.size(1), height, fy, width, fx).mean(new long[] {3, 5}, false);
            } else if (this == BICUBIC) {
                out = frames.upsampleBicubic(height, width, false);
            } else {
                out = frames.upsampleBilinear(height, width, false);  // AREA upwards is bilinear in OpenCV too
            }
            return scope.keep(out);
        }
    }
}
