package org.dicface.train;

import org.dicface.io.Task;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import org.dicface.torch.Generator;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The degraded input of a training clip, per task, as the official datasets make it (docs/ARCHITECTURE.md,
 * "Training recipe"); seeded, so the same seed gives the same input. Frames are [T, 3, H, W] in [0, 1].
 * <ul>
 * <li>restore: one blur kernel per clip; x4 downsampling (one interpolation per clip); Gaussian noise per
 * frame (sigma in [0, 10]/255, gray with p 0.5); H.264 at CRF 18-24; upsampling back;</li>
 * <li>inpaint: 1-3 brush strokes, the same on every frame, painted white;</li>
 * <li>colorize: 8-bit BT.601 gray, replicated to three channels.</li>
 * </ul>
 * The official x4 is defined on 512-pixel frames (128-pixel faces); on a smaller model's frames it would leave
 * a handful of pixels. With a degradation size (default {@link #OFFICIAL_SIZE}), a restoration clip whose longer
 * side is below it is enlarged by the smallest whole factor that reaches it (bicubic), degraded there, and
 * reduced back by that factor (exact box filter): the degradation a face of that size gets in the official data.
 */
public final class Degradation {
    private Degradation() {
    }

    /** The frame size the official restoration degradation is defined at. */
    public static final int OFFICIAL_SIZE = 512;
    /** The largest degradation size accepted (an enlarged clip must fit in memory). */
    public static final int MAX_SIZE = 4096;

    /** Degrades at {@link #OFFICIAL_SIZE}. */
    public static Tensor apply(Task task, Tensor clip, long seed) throws IOException {
        return apply(task, clip, seed, OFFICIAL_SIZE);
    }

    /** Degrades a restoration clip at {@code size} (0: at the clip's own size); other tasks ignore it. */
    public static Tensor apply(Task task, Tensor clip, long seed, int size) throws IOException {
        checkSize(size);
        Random random = new Random(seed);
        return switch (task) {
            case RESTORE -> atSize(clip, random, size);
            case INPAINT -> BrushStrokes.paint(clip, BrushStrokes.mask((int) clip.size(3), (int) clip.size(2), random));
            case COLORIZE -> gray(clip);
        };
    }

    static void checkSize(int size) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("the degradation size must be from 0 (the clip's own size) to " + MAX_SIZE
                    + ", got " + size + " (the official one is " + OFFICIAL_SIZE + ")");
        }
    }

    /** The whole factor a frame of h x w is enlarged by to be degraded at {@code size}: 1 when it is that large already. */
    static long enlargement(long h, long w, int size) {
        long side = Math.max(h, w);
        return size <= side ? 1 : (size + side - 1) / side;
    }

    private static Tensor atSize(Tensor clip, Random random, int size) throws IOException {
        long h = clip.size(2);
        long w = clip.size(3);
        long f = enlargement(h, w, size);
        if (f == 1) {
            return restore(clip, random);
        }
        try (Scope scope = Scope.open()) {
            Tensor large = clip.upsampleBicubic(h * f, w * f, false).clamp(0, 1);
            return scope.keep(Resize.AREA.apply(restore(large, random), h, w));
        }
    }

    static Tensor restore(Tensor clip, Random random) throws IOException {
        long t = clip.size(0);
        long h = clip.size(2);
        long w = clip.size(3);
        long sh = Math.max(2, h / 4 / 2 * 2);  // x4, each side made even for H.264
        long sw = Math.max(2, w / 4 / 2 * 2);
        try (Scope scope = Scope.open(); Generator noiseRandom = new Generator(random.nextLong())) {
            Tensor blurred = BlurKernel.apply(clip, BlurKernel.random(random));
            Resize resize = Resize.random(random);
            Tensor small = resize.apply(blurred, sh, sw).clamp(0, 1);
            List<Tensor> frames = small.chunk((int) t, 0);
            Tensor[] noisy = new Tensor[(int) t];
            for (int i = 0; i < t; i++) {
                double sigma = random.nextDouble() * 10 / 255;
                boolean grayNoise = random.nextDouble() < 0.5;
                noisy[i] = Noise.add(frames.get(i).reshape(3, sh, sw), sigma, grayNoise, noiseRandom).unsqueeze(0);
            }
            Tensor compressed = Compression.h264(Tensor.cat(List.of(noisy), 0), 18 + random.nextInt(7));
            return scope.keep(resize.apply(compressed, h, w).clamp(0, 1));
        }
    }

    /** cv2.cvtColor(BGR2GRAY) on 8-bit values: round(0.299 R + 0.587 G + 0.114 B), replicated. */
    static Tensor gray(Tensor clip) {
        try (Scope scope = Scope.open()) {
            List<Tensor> c = clip.mul(255).round().split(new long[] {1, 1, 1}, 1);
            Tensor y = c.get(0).mul(0.299).add(c.get(1).mul(0.587)).add(c.get(2).mul(0.114)).round().div(255);
            return scope.keep(y.expand(clip.shape()).contiguous());
        }
    }
}
