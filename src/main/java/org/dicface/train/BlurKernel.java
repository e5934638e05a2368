package org.dicface.train;

import java.util.Random;

import org.dicface.torch.Tensor;

/**
 * The official blur kernels (basicsr's random_mixed_kernels with the DicFace settings): 21 x 21 bivariate
 * Gaussians, isotropic with p 0.7 or anisotropic with p 0.3, sigmas uniform in [0.1, 10], the anisotropic ones
 * rotated uniformly in [-pi, pi]; normalised to sum 1.
 */
public final class BlurKernel {
    public static final int SIZE = 21;

    private BlurKernel() {
    }

    /** A kernel with the given sigmas and rotation, as a [SIZE * SIZE] row-major array. */
    public static double[] gaussian(double sigmaX, double sigmaY, double rotation) {
        double c = Math.cos(rotation);
        double s = Math.sin(rotation);
        // covariance R diag(sx^2, sy^2) R^T and its inverse
        double a = c * c * sigmaX * sigmaX + s * s * sigmaY * sigmaY;
        double b = c * s * (sigmaX * sigmaX - sigmaY * sigmaY);
        double d = s * s * sigmaX * sigmaX + c * c * sigmaY * sigmaY;
        double det = a * d - b * b;
        double ia = d / det;
        double ib = -b / det;
        double id = a / det;
        double[] k = new double[SIZE * SIZE];
        double sum = 0;
        int r = SIZE / 2;
        for (int y = -r; y <= r; y++) {
            for (int x = -r; x <= r; x++) {
                double v = Math.exp(-0.5 * (ia * x * x + 2 * ib * x * y + id * y * y));
                k[(y + r) * SIZE + x + r] = v;
                sum += v;
            }
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** A random kernel as the official degradation draws one per clip. */
    public static double[] random(Random random) {
        double sx = 0.1 + random.nextDouble() * 9.9;
        if (random.nextDouble() < 0.7) {
            return gaussian(sx, sx, 0);
        }
        double sy = 0.1 + random.nextDouble() * 9.9;
        return gaussian(sx, sy, -Math.PI + random.nextDouble() * 2 * Math.PI);
    }

    /** Applies a kernel to frames [T, C, H, W] as cv2.filter2D does: correlation, reflect-101 border. */
    public static Tensor apply(Tensor frames, double[] kernel) {
        long c = frames.size(1);
        int r = SIZE / 2;
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            Tensor weight = Tensor.of(kernel, 1, 1, SIZE, SIZE).to(frames.dtype()).expand(c, 1, SIZE, SIZE).contiguous();
            Tensor padded = frames.pad(new long[] {r, r, r, r}, Tensor.PadMode.REFLECT, 0);
            return scope.keep(padded.conv2d(weight, null, 1, 1, 0, 0, 1, (int) c));
        }
    }
}
