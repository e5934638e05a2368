package org.dicface.nn;

import org.dicface.torch.Tensor;

/**
 * TensorFlow's 'same' padding, which is not PyTorch's: the output has ceil(in / stride) pixels and the
 * padding that needs is split with the smaller half before (top, left) and the larger after (bottom,
 * right). For a 3x3 kernel with stride 2 on an even size that is 0 before and 1 after, where a symmetric
 * padding of 1 would shift every output pixel by half an input pixel.
 */
public final class SamePadding {
    private SamePadding() {
    }

    /** The padding {before, after} of one dimension of {@code size} pixels. */
    public static long[] of(long size, int kernel, int stride) {
        long out = (size + stride - 1) / stride;
        long total = Math.max((out - 1) * stride + kernel - size, 0);
        return new long[] {total / 2, total - total / 2};
    }

    /**
     * A convolution of {@code x} [N, C, H, W] with TensorFlow's 'same' padding; {@code weight} in PyTorch's
     * layout [out, in / groups, k, k], {@code bias} may be null.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int groups) {
        int kernel = Math.toIntExact(weight.size(2));
        long[] h = of(x.size(2), kernel, stride);
        long[] w = of(x.size(3), kernel, stride);
        if (h[0] == h[1] && w[0] == w[1]) {
            return x.conv2d(weight, bias, stride, stride, (int) h[0], (int) w[0], 1, groups);
        }
        Tensor padded = x.pad(new long[] {w[0], w[1], h[0], h[1]}, Tensor.PadMode.CONSTANT, 0);
        try {
            return padded.conv2d(weight, bias, stride, stride, 0, 0, 1, groups);
        } finally {
            padded.close();
        }
    }
}
