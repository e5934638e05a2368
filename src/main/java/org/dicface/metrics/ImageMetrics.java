package org.dicface.metrics;

import java.util.List;

import org.dicface.torch.DType;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * PSNR and SSIM between two images, as basicsr (the official code's toolkit) computes them: 8-bit scale
 * [0, 255]; a border of {@code crop} pixels left out on every side (the official validation uses 4); either
 * the RGB channels or the luma Y of ITU-R BT.601 studio range (16 + 65.481 R + 128.553 G + 24.966 B, with
 * R, G, B in [0, 1]). SSIM is Wang et al. (2004): an 11 x 11 Gaussian window of sigma 1.5, K1 0.01, K2 0.03,
 * valid positions only, averaged over positions and channels.
 */
public final class ImageMetrics {
    public enum Channels {
        RGB, Y;

        /** The channels named by a user: rgb or y, any case. */
        public static Channels parse(String name) {
            for (Channels c : values()) {
                if (name != null && c.name().equalsIgnoreCase(name.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown channels '" + (name == null ? "" : name.trim()) + "': use rgb or y (BT.601 luma)");
        }
    }

    private ImageMetrics() {
    }

    /** An image [3, H, W] in [0, 255] reduced to the measured channels and cropped: [C, H - 2c, W - 2c], float64. */
    public static Tensor prepare(Tensor rgb255, Channels channels, int crop) {
        try (Scope scope = Scope.open()) {
            Tensor x = rgb255.to(DType.FLOAT64);
            if (channels == Channels.Y) {
                List<Tensor> c = x.div(255).split(new long[] {1, 1, 1}, 0);
                x = c.get(0).mul(65.481).add(c.get(1).mul(128.553)).add(c.get(2).mul(24.966)).add(16);
            }
            long h = x.size(1);
            long w = x.size(2);
            if (h <= 2L * crop || w <= 2L * crop) {
                throw new IllegalArgumentException("a crop border of " + crop + " leaves nothing of a " + w + "x" + h + " image");
            }
            return scope.keep(x.narrow(1, crop, h - 2L * crop).narrow(2, crop, w - 2L * crop).contiguous());
        }
    }

    /** PSNR in dB of two prepared images (infinite when they are equal). */
    public static double psnr(Tensor a, Tensor b) {
        try (Scope scope = Scope.open()) {
            double mse = a.sub(b).square().mean().item();
            return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
        }
    }

    /** The normalised 11 x 11 Gaussian window (sigma 1.5), as a depthwise conv weight for {@code channels}. */
    static Tensor window(long channels) {
        double[] g = new double[11];
        double sum = 0;
        for (int i = 0; i < 11; i++) {
            g[i] = Math.exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
            sum += g[i];
        }
        double[] w = new double[121];
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 11; x++) {
                w[y * 11 + x] = g[y] * g[x] / (sum * sum);
            }
        }
        try (Scope scope = Scope.open()) {
            return scope.keep(Tensor.of(w, 1, 1, 11, 11).expand(channels, 1, 11, 11).contiguous());
        }
    }

    /** SSIM of two prepared images. */
    public static double ssim(Tensor a, Tensor b) {
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        long ch = a.size(0);
        try (Scope scope = Scope.open()) {
            Tensor w = window(ch);
            Tensor x = a.unsqueeze(0);
            Tensor y = b.unsqueeze(0);
            int groups = (int) ch;
            Tensor muX = x.conv2d(w, null, 1, 1, 0, 0, 1, groups);
            Tensor muY = y.conv2d(w, null, 1, 1, 0, 0, 1, groups);
            Tensor sxx = x.square().conv2d(w, null, 1, 1, 0, 0, 1, groups).sub(muX.square());
            Tensor syy = y.square().conv2d(w, null, 1, 1, 0, 0, 1, groups).sub(muY.square());
            Tensor sxy = x.mul(y).conv2d(w, null, 1, 1, 0, 0, 1, groups).sub(muX.mul(muY));
            Tensor num = muX.mul(muY).mul(2).add(c1).mul(sxy.mul(2).add(c2));
            Tensor den = muX.square().add(muY.square()).add(c1).mul(sxx.add(syy).add(c2));
            return num.div(den).mean().item();
        }
    }
}
