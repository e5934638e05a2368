package org.dicface.torch;

import static org.dicface.torch.Native.handleOrNull;
import static org.dicface.torch.Native.handles;
import static org.dicface.torch.Native.longs;
import static org.dicface.torch.Native.produce;
import static org.dicface.torch.bindings.dicface_torch_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A libtorch tensor owned by exactly one Java object.
 *
 * <p>Ops follow PyTorch's names and semantics, run in the current thread's {@link GradMode}, and return
 * new tensors registered with the current {@link Scope}. libtorch errors (a shape mismatch, say) arrive
 * as {@link TorchException} with libtorch's message. Close a tensor, or let its scope close it.
 */
public final class Tensor implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong FREED_BY_CLEANER = new AtomicLong();

    private MemorySegment handle;
    private final Releaser releaser;
    private final Cleaner.Cleanable cleanable;

    /** Frees the native handle; holds only its address, never the Tensor, so the Tensor can be collected. */
    private static final class Releaser implements Runnable {
        private final MemorySegment handle;
        private volatile boolean explicit;

        Releaser(MemorySegment handle) {
            this.handle = handle;
        }

        @Override
        public void run() {
            if (!explicit) {
                FREED_BY_CLEANER.incrementAndGet();
            }
            dft_tensor_free(handle);
        }
    }

    private Tensor(MemorySegment handle) {
        this.handle = handle;
        this.releaser = new Releaser(handle);
        this.cleanable = CLEANER.register(this, releaser);
        Scope.register(this);
    }

    /** Takes ownership of a handle returned by the C API. */
    static Tensor adopt(MemorySegment handle) {
        if (handle.equals(MemorySegment.NULL)) {
            throw new TorchException("the C API returned no tensor");
        }
        return new Tensor(handle);
    }

    MemorySegment handle() {
        MemorySegment h = handle;
        if (h == null) {
            throw new IllegalStateException("tensor is closed");
        }
        return h;
    }

    /** Tensors that were never closed and were freed by the garbage collector's safety net. */
    public static long freedByCleaner() {
        return FREED_BY_CLEANER.get();
    }

    public boolean isClosed() {
        return handle == null;
    }

    /** Frees the native tensor now; idempotent. */
    @Override
    public void close() {
        if (handle != null) {
            handle = null;
            releaser.explicit = true;
            cleanable.clean();
        }
    }

    private static int mode() {
        return GradMode.current().code;
    }

    // ---- creation ----

    public static Tensor empty(DType dtype, Device device, long... shape) {
        Torch.init();
        return produce((a, out) -> dft_empty(out, longs(a, shape), shape.length, dtype.code(), device.type().code,
                device.index()));
    }

    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        Torch.init();
        return produce((a, out) -> dft_full(out, longs(a, shape), shape.length, value, dtype.code(),
                device.type().code, device.index()));
    }

    public static Tensor zeros(long... shape) {
        return full(0, DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor ones(long... shape) {
        return full(1, DType.FLOAT32, Device.CPU, shape);
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(double value) {
        return full(value, DType.FLOAT32, Device.CPU);
    }

    public static Tensor of(float[] data, long... shape) {
        return HostData.fromArray(data, DType.FLOAT32, shape);
    }

    public static Tensor of(double[] data, long... shape) {
        return HostData.fromArray(data, DType.FLOAT64, shape);
    }

    public static Tensor of(long[] data, long... shape) {
        return HostData.fromArray(data, DType.INT64, shape);
    }

    public static Tensor of(int[] data, long... shape) {
        return HostData.fromArray(data, DType.INT32, shape);
    }

    /** From raw little-endian bytes of any dtype (e.g. float16 or bfloat16 bits read from a file). */
    public static Tensor fromBytes(byte[] data, DType dtype, long... shape) {
        return HostData.fromArray(data, dtype, shape);
    }

    /** From native memory (e.g. a memory-mapped file); copied once into the new tensor. */
    public static Tensor fromSegment(MemorySegment data, DType dtype, long... shape) {
        Torch.init();
        return produce((a, out) -> dft_from_host(out, data, data.byteSize(), longs(a, shape), shape.length,
                dtype.code()));
    }

    /**
     * From an ImageJ pixel array, copied once straight into tensor memory: {@code byte[]} (8-bit) gives uint8
     * [h,w]; {@code short[]} (16-bit, unsigned) gives int32 [h,w]; {@code float[]} gives float32 [h,w];
     * {@code int[]} (packed RGB) gives uint8 [3,h,w].
     */
    public static Tensor fromPixels(Object pixels, int width, int height) {
        return HostData.fromPixels(pixels, width, height);
    }

    public static Tensor normal(double mean, double std, Generator generator, long... shape) {
        return normal(mean, std, generator, DType.FLOAT32, Device.CPU, shape);
    }

    /** Normal draws from the generator (null: libtorch's default), made on the CPU and moved to the device. */
    public static Tensor normal(double mean, double std, Generator generator, DType dtype, Device device, long... shape) {
        Torch.init();
        return produce((a, out) -> dft_normal(out, longs(a, shape), shape.length, mean, std, Generator.handleOf(generator),
                dtype.code(), device.type().code, device.index()));
    }

    public static Tensor uniform(double low, double high, Generator generator, long... shape) {
        return uniform(low, high, generator, DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor uniform(double low, double high, Generator generator, DType dtype, Device device, long... shape) {
        Torch.init();
        return produce((a, out) -> dft_uniform(out, longs(a, shape), shape.length, low, high,
                Generator.handleOf(generator), dtype.code(), device.type().code, device.index()));
    }

    /** Fills this contiguous CPU tensor with exactly its byte size read from {@code in} (one copy, no buffer). */
    public Tensor readFrom(java.io.InputStream in) throws java.io.IOException {
        HostData.readInto(this, in);
        return this;
    }

    /** Writes this tensor's bytes (little-endian, row-major) to {@code out}, in chunks, however large. */
    public void writeTo(java.nio.channels.WritableByteChannel out) throws java.io.IOException {
        HostData.writeTo(this, out);
    }

    // ---- metadata ----

    public long[] shape() {
        MemorySegment h = handle();
        int n = dft_ndim(h);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(ValueLayout.JAVA_LONG, Math.max(n, 1));
            dft_shape(h, buf, n);
            return n == 0 ? new long[0] : buf.toArray(ValueLayout.JAVA_LONG);
        }
    }

    public long size(int dim) {
        long[] s = shape();
        return s[dim < 0 ? dim + s.length : dim];
    }

    public int dim() {
        return dft_ndim(handle());
    }

    public long numel() {
        return dft_numel(handle());
    }

    public DType dtype() {
        return DType.ofCode(dft_dtype(handle()));
    }

    public Device device() {
        MemorySegment h = handle();
        return Device.of(dft_device_type(h), dft_device_index(h));
    }

    public boolean isContiguous() {
        return dft_is_contiguous(handle()) == 1;
    }

    /** The value of a one-element tensor. */
    public double item() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_DOUBLE);
            Native.check(dft_item(handle(), out));
            return out.get(ValueLayout.JAVA_DOUBLE, 0);
        }
    }

    // ---- to host ----

    public float[] toFloatArray() {
        return (float[]) HostData.toArray(this, DType.FLOAT32);
    }

    public double[] toDoubleArray() {
        return (double[]) HostData.toArray(this, DType.FLOAT64);
    }

    public long[] toLongArray() {
        return (long[]) HostData.toArray(this, DType.INT64);
    }

    public int[] toIntArray() {
        return (int[]) HostData.toArray(this, DType.INT32);
    }

    /** The raw bytes of this tensor in its own dtype, little-endian, row-major. */
    public byte[] toBytes() {
        return HostData.toBytes(this);
    }

    // ---- device and dtype ----

    public Tensor to(Device device, DType dtype) {
        return produce((a, out) -> dft_to(mode(), out, handle(), device.type().code, device.index(), dtype.code()));
    }

    public Tensor to(Device device) {
        return produce((a, out) -> dft_to(mode(), out, handle(), device.type().code, device.index(), -1));
    }

    public Tensor to(DType dtype) {
        Device d = device();
        return to(d, dtype);
    }

    /** {@code this += alpha * other}, in place, not recorded by autograd. */
    public Tensor addInPlace(Tensor other, double alpha) {
        Native.check(dft_inplace(handle(), DFT_ADD_(), other.handle(), MemorySegment.NULL, alpha));
        return this;
    }

    /** {@code this *= other}, in place, not recorded. */
    public Tensor mulInPlace(Tensor other) {
        Native.check(dft_inplace(handle(), DFT_MUL_(), other.handle(), MemorySegment.NULL, 1));
        return this;
    }

    /** {@code this *= value}, in place, not recorded. */
    public Tensor mulInPlace(double value) {
        Native.check(dft_inplace_scalar(handle(), DFT_MUL_(), value));
        return this;
    }

    /** {@code this += alpha * a * b}, in place, not recorded. */
    public Tensor addcmulInPlace(Tensor a, Tensor b, double alpha) {
        Native.check(dft_inplace(handle(), DFT_ADDCMUL_(), a.handle(), b.handle(), alpha));
        return this;
    }

    /** {@code this += alpha * a / b}, in place, not recorded. */
    public Tensor addcdivInPlace(Tensor a, Tensor b, double alpha) {
        Native.check(dft_inplace(handle(), DFT_ADDCDIV_(), a.handle(), b.handle(), alpha));
        return this;
    }

    /** Copies {@code source} into this tensor in place (broadcasting, converting); never recorded by autograd. */
    public Tensor copyFrom(Tensor source) {
        Native.check(dft_copy_(handle(), source.handle()));
        return this;
    }

    // ---- elementwise ----

    private Tensor unary(int op) {
        return produce((a, out) -> dft_unary(mode(), out, op, handle()));
    }

    private Tensor binary(int op, Tensor other) {
        return produce((a, out) -> dft_binary(mode(), out, op, handle(), other.handle()));
    }

    private Tensor binary(int op, double other) {
        return produce((a, out) -> dft_binary_scalar(mode(), out, op, handle(), other));
    }

    public Tensor neg() { return unary(DFT_NEG()); }
    public Tensor abs() { return unary(DFT_ABS()); }
    public Tensor exp() { return unary(DFT_EXP()); }
    public Tensor log() { return unary(DFT_LOG()); }
    public Tensor log1p() { return unary(DFT_LOG1P()); }
    public Tensor sqrt() { return unary(DFT_SQRT()); }
    public Tensor rsqrt() { return unary(DFT_RSQRT()); }
    public Tensor square() { return unary(DFT_SQUARE()); }
    public Tensor sigmoid() { return unary(DFT_SIGMOID()); }
    public Tensor silu() { return unary(DFT_SILU()); }
    /** Exact (erf) GELU, as torch.nn.GELU() by default. */
    public Tensor gelu() { return unary(DFT_GELU()); }
    public Tensor relu() { return unary(DFT_RELU()); }
    public Tensor tanh() { return unary(DFT_TANH()); }
    public Tensor lgamma() { return unary(DFT_LGAMMA()); }
    public Tensor digamma() { return unary(DFT_DIGAMMA()); }
    public Tensor sign() { return unary(DFT_SIGN()); }
    public Tensor floor() { return unary(DFT_FLOOR()); }
    public Tensor round() { return unary(DFT_ROUND()); }
    public Tensor contiguous() { return unary(DFT_CONTIGUOUS()); }
    public Tensor copy() { return unary(DFT_CLONE()); }
    public Tensor detach() { return unary(DFT_DETACH()); }

    public Tensor add(Tensor other) { return binary(DFT_ADD(), other); }
    public Tensor sub(Tensor other) { return binary(DFT_SUB(), other); }
    public Tensor mul(Tensor other) { return binary(DFT_MUL(), other); }
    public Tensor div(Tensor other) { return binary(DFT_DIV(), other); }
    public Tensor pow(Tensor exponent) { return binary(DFT_POW(), exponent); }
    public Tensor maximum(Tensor other) { return binary(DFT_MAXIMUM(), other); }
    public Tensor minimum(Tensor other) { return binary(DFT_MINIMUM(), other); }
    public Tensor eq(Tensor other) { return binary(DFT_EQ(), other); }
    public Tensor lt(Tensor other) { return binary(DFT_LT(), other); }
    public Tensor gt(Tensor other) { return binary(DFT_GT(), other); }

    public Tensor add(double other) { return binary(DFT_ADD(), other); }
    public Tensor sub(double other) { return binary(DFT_SUB(), other); }
    public Tensor mul(double other) { return binary(DFT_MUL(), other); }
    public Tensor div(double other) { return binary(DFT_DIV(), other); }
    public Tensor pow(double exponent) { return binary(DFT_POW(), exponent); }
    /** {@code other - this}. */
    public Tensor rsub(double other) { return binary(DFT_RSUB(), other); }
    public Tensor clampMin(double min) { return binary(DFT_MAXIMUM(), min); }
    public Tensor clampMax(double max) { return binary(DFT_MINIMUM(), max); }
    public Tensor eq(double other) { return binary(DFT_EQ(), other); }
    public Tensor lt(double other) { return binary(DFT_LT(), other); }
    public Tensor gt(double other) { return binary(DFT_GT(), other); }

    public Tensor clamp(double min, double max) {
        return produce((a, out) -> dft_clamp(mode(), out, handle(), min, max));
    }

    public Tensor leakyRelu(double negativeSlope) {
        return produce((a, out) -> dft_leaky_relu(mode(), out, handle(), negativeSlope));
    }

    /** torch.nn.functional.softplus with beta 1 and threshold 20. */
    public Tensor softplus() {
        return softplus(1, 20);
    }

    public Tensor softplus(double beta, double threshold) {
        return produce((a, out) -> dft_softplus(mode(), out, handle(), beta, threshold));
    }

    /** {@code condition ? a : b}, elementwise with broadcasting. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return produce((x, out) -> dft_where(mode(), out, condition.handle(), a.handle(), b.handle()));
    }

    // ---- neural-network ops ----

    /** 2-D convolution with square stride and padding; {@code bias} may be null. */
    public Tensor conv2d(Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(weight, bias, stride, stride, padding, padding, 1, 1);
    }

    public Tensor conv2d(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int dilation,
            int groups) {
        return produce((a, out) -> dft_conv2d(mode(), out, handle(), weight.handle(), handleOrNull(bias), strideH,
                strideW, padH, padW, dilation, groups));
    }

    /** {@code weight} and {@code bias} may be null. */
    public Tensor groupNorm(int groups, Tensor weight, Tensor bias, double eps) {
        return produce((a, out) -> dft_group_norm(mode(), out, handle(), groups, handleOrNull(weight),
                handleOrNull(bias), eps));
    }

    /** Normalises over the last {@code normalizedShape.length} dims; {@code weight} and {@code bias} may be null. */
    public Tensor layerNorm(long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return produce((a, out) -> dft_layer_norm(mode(), out, handle(), longs(a, normalizedShape),
                normalizedShape.length, handleOrNull(weight), handleOrNull(bias), eps));
    }

    /** {@code x W^T + b}; {@code bias} may be null. */
    public Tensor linear(Tensor weight, Tensor bias) {
        return produce((a, out) -> dft_linear(mode(), out, handle(), weight.handle(), handleOrNull(bias)));
    }

    public Tensor matmul(Tensor other) {
        return produce((a, out) -> dft_matmul(mode(), out, handle(), other.handle()));
    }

    public Tensor bmm(Tensor other) {
        return produce((a, out) -> dft_bmm(mode(), out, handle(), other.handle()));
    }

    /**
     * Attention with this tensor as the queries: softmax(q kᵀ / √d) v over [batch, length, d], in one native call
     * (libtorch 2.x: one fused kernel; 1.x: the same ops as written out).
     */
    public Tensor attention(Tensor keys, Tensor values) {
        return produce((a, out) -> dft_attention(mode(), out, handle(), keys.handle(), values.handle()));
    }

    public Tensor softmax(long dim) {
        return produce((a, out) -> dft_softmax(mode(), out, handle(), dim));
    }

    public Tensor logSoftmax(long dim) {
        return produce((a, out) -> dft_log_softmax(mode(), out, handle(), dim));
    }

    public Tensor pixelUnshuffle(int factor) {
        return produce((a, out) -> dft_pixel_unshuffle(mode(), out, handle(), factor));
    }

    public Tensor pixelShuffle(int factor) {
        return produce((a, out) -> dft_pixel_shuffle(mode(), out, handle(), factor));
    }

    /** Nearest-neighbour resize of an [N,C,H,W] tensor to {@code height} x {@code width}. */
    public Tensor upsampleNearest(long height, long width) {
        return produce((a, out) -> dft_upsample_nearest2d(mode(), out, handle(), height, width));
    }

    public Tensor upsampleBilinear(long height, long width, boolean alignCorners) {
        return produce((a, out) -> dft_upsample_bilinear2d(mode(), out, handle(), height, width, alignCorners ? 1 : 0));
    }

    /** Max pooling over square windows of an [N,C,H,W] tensor. */
    public Tensor maxPool2d(int kernel, int stride) {
        return produce((a, out) -> dft_max_pool2d(mode(), out, handle(), kernel, stride));
    }

    /** Bicubic resize (a = -0.75, as OpenCV's INTER_CUBIC) of an [N,C,H,W] tensor. */
    public Tensor upsampleBicubic(long height, long width, boolean alignCorners) {
        return produce((a, out) -> dft_upsample_bicubic2d(mode(), out, handle(), height, width, alignCorners ? 1 : 0));
    }

    public enum PadMode { CONSTANT, REFLECT, REPLICATE }

    /** As torch.nn.functional.pad: {@code pads} name the last dim first (left, right, top, bottom, ...). */
    public Tensor pad(long[] pads, PadMode padMode, double value) {
        return produce((a, out) -> dft_pad(mode(), out, handle(), longs(a, pads), pads.length, padMode.ordinal(), value));
    }

    // ---- shape and indexing ----

    public static Tensor cat(List<Tensor> tensors, long dim) {
        return produce((a, out) -> dft_cat(mode(), out, handles(a, tensors), tensors.size(), dim));
    }

    public static Tensor stack(List<Tensor> tensors, long dim) {
        return produce((a, out) -> dft_stack(mode(), out, handles(a, tensors), tensors.size(), dim));
    }

    /** Splits along {@code dim} into pieces of the given sizes (they must add up to the dim's size). */
    public List<Tensor> split(long[] sizes, long dim) {
        return Native.produce(sizes.length,
                (a, out) -> dft_split(mode(), out, handle(), longs(a, sizes), sizes.length, dim));
    }

    /** Splits along {@code dim} into {@code chunks} equal pieces. */
    public List<Tensor> chunk(int chunks, long dim) {
        long n = size((int) dim);
        if (n % chunks != 0) {
            throw new IllegalArgumentException("dim " + dim + " of size " + n + " does not split into " + chunks);
        }
        long[] sizes = new long[chunks];
        Arrays.fill(sizes, n / chunks);
        return split(sizes, dim);
    }

    public Tensor reshape(long... shape) {
        return produce((a, out) -> dft_reshape(mode(), out, handle(), longs(a, shape), shape.length));
    }

    /** Inserts a dimension of size 1 at {@code dim} (a view). */
    public Tensor unsqueeze(int dim) {
        long[] s = shape();
        int d = dim < 0 ? dim + s.length + 1 : dim;
        long[] out = new long[s.length + 1];
        System.arraycopy(s, 0, out, 0, d);
        out[d] = 1;
        System.arraycopy(s, d, out, d + 1, s.length - d);
        return reshape(out);
    }

    /** Merges the dimensions from {@code startDim} to the last into one. */
    public Tensor flatten(int startDim) {
        long[] s = shape();
        long[] out = Arrays.copyOf(s, startDim + 1);
        out[startDim] = -1;
        return reshape(out);
    }

    public Tensor view(long... shape) {
        return produce((a, out) -> dft_view(mode(), out, handle(), longs(a, shape), shape.length));
    }

    public Tensor expand(long... shape) {
        return produce((a, out) -> dft_expand(mode(), out, handle(), longs(a, shape), shape.length));
    }

    public Tensor permute(long... dims) {
        return produce((a, out) -> dft_permute(mode(), out, handle(), longs(a, dims), dims.length));
    }

    public Tensor transpose(long dim0, long dim1) {
        return produce((a, out) -> dft_transpose(mode(), out, handle(), dim0, dim1));
    }

    public Tensor narrow(long dim, long start, long length) {
        return produce((a, out) -> dft_narrow(mode(), out, handle(), dim, start, length));
    }

    /** A view of this tensor's storage with the given sizes, strides (in elements) and offset; bounds-checked. */
    public Tensor asStrided(long[] shape, long[] strides, long offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape and strides differ in length");
        }
        return produce((a, out) -> dft_as_strided(mode(), out, handle(), longs(a, shape), longs(a, strides), shape.length, offset));
    }

    public Tensor indexSelect(long dim, Tensor index) {
        return produce((a, out) -> dft_index_select(mode(), out, handle(), dim, index.handle()));
    }

    // ---- reductions ----

    private Tensor reduce(int op, long[] dims, boolean keepDim) {
        return produce((a, out) -> dft_reduce(mode(), out, op, handle(), longs(a, dims), dims.length, keepDim ? 1 : 0));
    }

    public Tensor sum() { return reduce(DFT_SUM(), new long[0], false); }
    public Tensor mean() { return reduce(DFT_MEAN(), new long[0], false); }
    public Tensor sum(long[] dims, boolean keepDim) { return reduce(DFT_SUM(), dims, keepDim); }
    public Tensor mean(long[] dims, boolean keepDim) { return reduce(DFT_MEAN(), dims, keepDim); }
    public Tensor amax(long[] dims, boolean keepDim) { return reduce(DFT_AMAX(), dims, keepDim); }
    public Tensor amin(long[] dims, boolean keepDim) { return reduce(DFT_AMIN(), dims, keepDim); }
    public Tensor max() { return reduce(DFT_AMAX(), new long[0], false); }
    public Tensor min() { return reduce(DFT_AMIN(), new long[0], false); }

    /** Values and int64 indices of a max or top-k. */
    public record ValuesIndices(Tensor values, Tensor indices) implements AutoCloseable {
        @Override
        public void close() {
            values.close();
            indices.close();
        }
    }

    public ValuesIndices max(long dim, boolean keepDim) {
        List<Tensor> r = Native.produce(2, (a, out) -> dft_max_dim(mode(), out, out.asSlice(ValueLayout.ADDRESS.byteSize()),
                handle(), dim, keepDim ? 1 : 0));
        return new ValuesIndices(r.get(0), r.get(1));
    }

    public Tensor argmax(long dim, boolean keepDim) {
        return produce((a, out) -> dft_argmax(mode(), out, handle(), dim, keepDim ? 1 : 0));
    }

    public ValuesIndices topk(long k, long dim, boolean largest, boolean sorted) {
        List<Tensor> r = Native.produce(2, (a, out) -> dft_topk(mode(), out, out.asSlice(ValueLayout.ADDRESS.byteSize()),
                handle(), k, dim, largest ? 1 : 0, sorted ? 1 : 0));
        return new ValuesIndices(r.get(0), r.get(1));
    }

    // ---- random ----

    /**
     * Gamma(alpha, 1) draws, differentiable in alpha (reparameterised); normalising them over the last dim
     * gives a Dirichlet sample. {@code generator} null means libtorch's default generator.
     */
    public Tensor standardGamma(Generator generator) {
        return produce((a, out) -> dft_standard_gamma(mode(), out, handle(), Generator.handleOf(generator)));
    }

    // ---- autograd ----

    public Tensor requiresGrad(boolean requiresGrad) {
        Native.check(dft_set_requires_grad(handle(), requiresGrad ? 1 : 0));
        return this;
    }

    public boolean requiresGrad() {
        return dft_requires_grad(handle()) == 1;
    }

    /** Backpropagates from this one-element tensor. */
    public void backward() {
        backward(null, false);
    }

    /** Backpropagates with the given upstream gradient (null for a one-element tensor). */
    public void backward(Tensor gradient, boolean retainGraph) {
        Native.check(dft_backward(handle(), handleOrNull(gradient), retainGraph ? 1 : 0));
    }

    /** The accumulated gradient (a new handle sharing its storage), or null when there is none. */
    public Tensor grad() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(dft_grad(out, handle()));
            MemorySegment h = out.get(ValueLayout.ADDRESS, 0);
            return h.equals(MemorySegment.NULL) ? null : adopt(h);
        }
    }

    /** Drops the accumulated gradient (as {@code param.grad = None}). */
    public void zeroGrad() {
        Native.check(dft_zero_grad(handle()));
    }

    @Override
    public String toString() {
        return handle == null ? "Tensor[closed]" : "Tensor" + Arrays.toString(shape()) + " " + dtype() + " " + device();
    }
}
