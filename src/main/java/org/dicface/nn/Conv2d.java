package org.dicface.nn;

import org.dicface.torch.Tensor;

/** torch.nn.Conv2d with square kernel, stride and zero padding. Parameters: weight, and bias unless disabled. */
public final class Conv2d extends Module implements Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;

    /**
     * How the kernel moves, with defaults: stride 1, 'same' padding (kernel/2, {@link #SAME}), a bias. Change
     * one with {@link #stride(int)}, {@link #padding(int)} or {@link #withoutBias()}.
     */
    public record Options(int stride, int padding, boolean bias) {
        /** Padding of kernel/2 on every side: a stride-1 output has the input's size. */
        public static final int SAME = -1;
        public static final Options DEFAULT = new Options(1, SAME, true);

        public Options {
            if (stride < 1) {
                throw new IllegalArgumentException("a convolution's stride must be at least 1, got " + stride);
            }
            if (padding < 0 && padding != SAME) {
                throw new IllegalArgumentException("a convolution's padding must be >= 0, got " + padding);
            }
        }

        public Options stride(int value) {
            return new Options(value, padding, bias);
        }

        public Options padding(int value) {
            return new Options(stride, value, bias);
        }

        /** Without a "bias" parameter, as torch.nn.Conv2d(bias=False). */
        public Options withoutBias() {
            return new Options(stride, padding, false);
        }

        int paddingFor(int kernel) {
            return padding == SAME ? kernel / 2 : padding;
        }
    }

    /** A 'same' convolution with a bias: stride 1, padding kernel/2. */
    public Conv2d(long in, long out, int kernel) {
        this(in, out, kernel, Options.DEFAULT);
    }

    public Conv2d(long in, long out, int kernel, Options options) {
        double bound = 1 / Math.sqrt(in * kernel * kernel);
        this.weight = parameter("weight", Init.uniform(bound, out, in, kernel, kernel));
        this.bias = options.bias() ? parameter("bias", Init.uniform(bound, out)) : null;
        this.stride = options.stride();
        this.padding = options.paddingFor(kernel);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.conv2d(weight.get(), bias == null ? null : bias.get(), stride, padding);
    }
}
