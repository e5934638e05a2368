package org.dicface.torch;

import static org.dicface.torch.Assertions2.assertClose;
import static org.dicface.torch.Assertions2.assertTorchError;
import static org.dicface.torch.Assertions2.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Every op against values computed independently (by hand or by {@link Reference}), and its error path. */
class OpsTest extends ScopedTest {
    private static Tensor t(long[] shape, float... v) {
        return Tensor.of(v, shape);
    }

    private static long[] s(long... shape) {
        return shape;
    }

    @Test
    void conv2dMatchesReference() {
        float[] x = Reference.random(1, 2 * 3 * 7 * 6);
        float[] w = Reference.random(2, 4 * 3 * 3 * 3);
        float[] b = Reference.random(3, 4);
        Tensor out = Tensor.of(x, 2, 3, 7, 6).conv2d(Tensor.of(w, 4, 3, 3, 3), Tensor.of(b, 4), 1, 1);
        assertClose(Reference.conv2d(x, 2, 3, 7, 6, w, b, 4, 3, 1, 1), out.toFloatArray(), 1e-4);
        assertArrayEquals(s(2, 4, 7, 6), out.shape());
        Tensor strided = Tensor.of(x, 2, 3, 7, 6).conv2d(Tensor.of(w, 4, 3, 3, 3), null, 2, 0);
        assertClose(Reference.conv2d(x, 2, 3, 7, 6, w, null, 4, 3, 2, 0), strided.toFloatArray(), 1e-4);
        assertTorchError(() -> Tensor.of(x, 2, 3, 7, 6).conv2d(Tensor.of(w, 3, 4, 3, 3), null, 1, 1),
                "expected input[2, 3, 7, 6] to have 4 channels");
    }

    @Test
    void groupNormAndLayerNormMatchReference() {
        float[] x = Reference.random(4, 2 * 4 * 3 * 3);
        // 2 groups of 2 channels: each group is a contiguous run of 18 values
        Tensor gn = Tensor.of(x, 2, 4, 3, 3).groupNorm(2, Tensor.full(2, DType.FLOAT32, Device.CPU, 4),
                Tensor.full(0.5, DType.FLOAT32, Device.CPU, 4), 1e-6);
        float[] expected = Reference.normalise(x, 18, 1e-6);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = expected[i] * 2 + 0.5f;
        }
        assertClose(expected, gn.toFloatArray(), 1e-4);
        assertTorchError(() -> Tensor.of(x, 2, 4, 3, 3).groupNorm(3, null, null, 1e-6), "divisible by");

        Tensor ln = Tensor.of(x, 8, 9).layerNorm(s(9), null, null, 1e-5);
        assertClose(Reference.normalise(x, 9, 1e-5), ln.toFloatArray(), 1e-4);
        assertTorchError(() -> Tensor.of(x, 8, 9).layerNorm(s(8), null, null, 1e-5), "normalized_shape");
    }

    @Test
    void linearMatmulBmmMatchReference() {
        float[] a = Reference.random(5, 3 * 4);
        float[] b = Reference.random(6, 4 * 5);
        assertClose(Reference.matmul(a, b, 3, 4, 5), Tensor.of(a, 3, 4).matmul(Tensor.of(b, 4, 5)).toFloatArray(), 1e-5);
        // linear: x W^T + bias with W [5,4]
        Tensor wt = Tensor.of(b, 4, 5).transpose(0, 1).contiguous();
        Tensor lin = Tensor.of(a, 3, 4).linear(wt, Tensor.ones(5));
        float[] ref = Reference.matmul(a, b, 3, 4, 5);
        for (int i = 0; i < ref.length; i++) {
            ref[i] += 1;
        }
        assertClose(ref, lin.toFloatArray(), 1e-5);
        Tensor bmm = Tensor.stack(List.of(Tensor.of(a, 3, 4), Tensor.of(a, 3, 4).mul(2)), 0)
                .bmm(Tensor.stack(List.of(Tensor.of(b, 4, 5), Tensor.of(b, 4, 5)), 0));
        assertArrayEquals(s(2, 3, 5), bmm.shape());
        assertClose(Reference.matmul(a, b, 3, 4, 5), bmm.narrow(0, 0, 1).reshape(15).toFloatArray(), 1e-5);
        assertTorchError(() -> Tensor.of(a, 3, 4).matmul(Tensor.of(a, 3, 4)), "cannot be multiplied");
        assertTorchError(() -> Tensor.of(a, 3, 4).bmm(Tensor.of(a, 3, 4)), "batch1 must be a 3D tensor");
        assertTorchError(() -> Tensor.of(a, 3, 4).linear(Tensor.of(b, 5, 4).narrow(1, 0, 3), null), "cannot be multiplied");
    }

    /** softmax(q kᵀ / √d) v against plain Java; on libtorch 1.x, exactly the ops written out, as the training path runs them. */
    @Test
    void attentionMatchesReference() {
        int batch = 2, lq = 3, lk = 4, d = 5;
        float[] q = Reference.random(7, batch * lq * d);
        float[] k = Reference.random(8, batch * lk * d);
        float[] v = Reference.random(9, batch * lk * d);
        float[] expected = new float[batch * lq * d];
        for (int b = 0; b < batch; b++) {
            float[] kt = new float[d * lk];
            for (int j = 0; j < lk; j++) {
                for (int t = 0; t < d; t++) {
                    kt[t * lk + j] = k[(b * lk + j) * d + t];
                }
            }
            float[] qb = java.util.Arrays.copyOfRange(q, b * lq * d, (b + 1) * lq * d);
            float[] scores = Reference.matmul(qb, kt, lq, d, lk);
            for (int i = 0; i < scores.length; i++) {
                scores[i] /= (float) Math.sqrt(d);
            }
            float[] out = Reference.matmul(Reference.softmaxRows(scores, lk), java.util.Arrays.copyOfRange(v, b * lk * d, (b + 1) * lk * d),
                    lq, lk, d);
            System.arraycopy(out, 0, expected, b * lq * d, out.length);
        }
        Tensor tq = Tensor.of(q, batch, lq, d);
        Tensor tk = Tensor.of(k, batch, lk, d);
        Tensor tv = Tensor.of(v, batch, lk, d);
        Tensor fused = tq.attention(tk, tv);
        assertArrayEquals(s(batch, lq, d), fused.shape());
        assertClose(expected, fused.toFloatArray(), 1e-5);
        // a view (as the transformer passes it) gives the same
        assertClose(expected, tq.transpose(0, 1).contiguous().transpose(0, 1).attention(tk, tv).toFloatArray(), 1e-5);
        if (!Torch.attentionFused()) {
            assertArrayEquals(tq.div(Math.sqrt(d)).bmm(tk.transpose(1, 2)).softmax(-1).bmm(tv).toFloatArray(), fused.toFloatArray());
        }
        assertTorchError(() -> Tensor.of(q, batch * lq, d).attention(tk, tv), "attention takes [batch, length, dim] tensors");
    }

    @Test
    void activations() {
        Tensor x = t(s(5), -2, -1, 0, 1, 2);
        assertValues(x.gelu(), s(5), -0.04550026f, -0.15865525f, 0, 0.84134475f, 1.95449974f);  // exact, erf-based
        assertValues(x.silu(), s(5), -0.23840584f, -0.26894142f, 0, 0.73105858f, 1.76159416f);
        assertValues(x.sigmoid(), s(5), 0.11920292f, 0.26894142f, 0.5f, 0.73105858f, 0.88079708f);
        assertValues(x.leakyRelu(0.2), s(5), -0.4f, -0.2f, 0, 1, 2);
        assertValues(x.relu(), s(5), 0, 0, 0, 1, 2);
        assertValues(x.tanh(), s(5), -0.96402758f, -0.76159416f, 0, 0.76159416f, 0.96402758f);
        assertValues(t(s(3), 0, 30, -30).softplus(), s(3), 0.69314718f, 30, 9.357623e-14f);
        assertValues(t(s(2), 1, 2).softplus(2, 20), s(2), 1.0634640f, 2.0090749f);  // log(1+exp(2x))/2
        float[] logits = Reference.random(7, 12);
        assertClose(Reference.softmaxRows(logits, 4), Tensor.of(logits, 3, 4).softmax(-1).toFloatArray(), 1e-6);
        float[] sm = Reference.softmaxRows(logits, 4);
        Tensor lsm = Tensor.of(logits, 3, 4).logSoftmax(1).exp();
        assertClose(sm, lsm.toFloatArray(), 1e-5);
        assertTorchError(() -> x.softmax(3), "Dimension out of range");
        assertTorchError(() -> x.logSoftmax(3), "Dimension out of range");
        assertTorchError(() -> Tensor.of(new long[] {1}, 1).gelu(), "\"GeluKernelImpl\" not implemented for 'Long'");
        assertTorchError(() -> Tensor.of(new long[] {1}, 1).leakyRelu(0.1), "not implemented for 'Long'");
        assertTorchError(() -> Tensor.of(new long[] {1}, 1).softplus(), "not implemented for 'Long'");
    }

    @Test
    void elementwiseArithmetic() {
        Tensor a = t(s(2, 2), 1, 2, 3, 4);
        Tensor b = t(s(2), 10, 20);  // broadcasts over rows
        assertValues(a.add(b), s(2, 2), 11, 22, 13, 24);
        assertValues(a.sub(b), s(2, 2), -9, -18, -7, -16);
        assertValues(a.mul(b), s(2, 2), 10, 40, 30, 80);
        assertValues(a.div(b), s(2, 2), 0.1f, 0.1f, 0.3f, 0.2f);
        assertValues(a.pow(t(s(2), 2, 0.5f)), s(2, 2), 1, 1.4142135f, 9, 2);
        assertValues(a.maximum(t(s(2), 2, 2)), s(2, 2), 2, 2, 3, 4);
        assertValues(a.minimum(t(s(2), 2, 2)), s(2, 2), 1, 2, 2, 2);
        assertValues(a.add(1), s(2, 2), 2, 3, 4, 5);
        assertValues(a.sub(1), s(2, 2), 0, 1, 2, 3);
        assertValues(a.mul(-2), s(2, 2), -2, -4, -6, -8);
        assertValues(a.div(4), s(2, 2), 0.25f, 0.5f, 0.75f, 1);
        assertValues(a.pow(2), s(2, 2), 1, 4, 9, 16);
        assertValues(a.rsub(1), s(2, 2), 0, -1, -2, -3);
        assertValues(a.clampMin(2.5), s(2, 2), 2.5f, 2.5f, 3, 4);
        assertValues(a.clampMax(2.5), s(2, 2), 1, 2, 2.5f, 2.5f);
        assertValues(a.clamp(1.5, 3.5), s(2, 2), 1.5f, 2, 3, 3.5f);
        assertValues(a.clamp(Double.NEGATIVE_INFINITY, 2), s(2, 2), 1, 2, 2, 2);
        assertValues(a.eq(t(s(2), 1, 3)), s(2, 2), 1, 0, 0, 0);
        assertValues(a.lt(2.5), s(2, 2), 1, 1, 0, 0);
        assertValues(a.gt(t(s(2), 0, 3)), s(2, 2), 1, 0, 1, 1);
        assertValues(a.eq(4), s(2, 2), 0, 0, 0, 1);
        assertValues(Tensor.where(a.gt(2), a, a.neg()), s(2, 2), -1, -2, 3, 4);
        assertEquals(DType.BOOL, a.gt(2).dtype());
        assertTorchError(() -> a.add(t(s(3), 1, 2, 3)), "must match the size of tensor b");
        assertTorchError(() -> a.clamp(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), "finite min or max");
        assertTorchError(() -> a.gt(1).sub(1), "Subtraction, the `-` operator, with a bool tensor is not supported");
        assertTorchError(() -> Tensor.where(a, a, a), "condition");
        assertTorchError(() -> a.add(Tensor.of(new long[] {1, 2, 3}, 3)), "must match the size");
    }

    @Test
    void unaryMath() {
        Tensor x = t(s(4), 0.5f, 1, 2, 4);
        assertValues(x.neg(), s(4), -0.5f, -1, -2, -4);
        assertValues(x.neg().abs(), s(4), 0.5f, 1, 2, 4);
        assertValues(x.exp(), s(4), 1.6487213f, 2.7182818f, 7.3890561f, 54.598150f);
        assertValues(x.log(), s(4), -0.6931472f, 0, 0.6931472f, 1.3862944f);
        assertValues(x.log1p(), s(4), 0.4054651f, 0.6931472f, 1.0986123f, 1.6094379f);
        assertValues(x.sqrt(), s(4), 0.7071068f, 1, 1.4142135f, 2);
        assertValues(x.rsqrt(), s(4), 1.4142135f, 1, 0.7071068f, 0.5f);
        assertValues(x.square(), s(4), 0.25f, 1, 4, 16);
        assertValues(x.lgamma(), s(4), 0.5723649f, 0, 0, 1.7917595f);          // lgamma(4) = ln 6
        assertValues(x.digamma(), s(4), -1.9635100f, -0.5772157f, 0.4227843f, 1.2561177f);
        assertValues(t(s(3), -2.5f, 0, 1.5f).sign(), s(3), -1, 0, 1);
        assertValues(t(s(3), -2.5f, 0.4f, 1.5f).floor(), s(3), -3, 0, 1);
        assertValues(t(s(3), -2.4f, 0.6f, 2.5f).round(), s(3), -2, 1, 2);       // half to even
        Tensor bool = x.gt(1);
        assertTorchError(bool::neg, "Negation, the `-` operator, on a bool tensor is not supported");
    }

    @Test
    void shapeOps() {
        Tensor a = t(s(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(a.reshape(3, 2), s(3, 2), 1, 2, 3, 4, 5, 6);
        assertValues(a.view(-1), s(6), 1, 2, 3, 4, 5, 6);
        assertValues(a.transpose(0, 1), s(3, 2), 1, 4, 2, 5, 3, 6);
        assertValues(a.permute(1, 0).contiguous(), s(3, 2), 1, 4, 2, 5, 3, 6);
        assertValues(a.narrow(1, 1, 2), s(2, 2), 2, 3, 5, 6);
        assertValues(a.indexSelect(1, Tensor.of(new long[] {2, 0}, 2)), s(2, 2), 3, 1, 6, 4);
        assertValues(a.asStrided(s(2, 2), s(1, 3), 1), s(2, 2), 2, 5, 3, 6);  // a transposed window
        assertTorchError(() -> a.asStrided(s(2, 3), s(3, 1), 1), "lies outside the storage of 6 elements");
        assertValues(t(s(1, 2), 7, 8).expand(3, 2), s(3, 2), 7, 8, 7, 8, 7, 8);
        assertValues(Tensor.cat(List.of(a, a.mul(10)), 0), s(4, 3), 1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60);
        assertValues(Tensor.stack(List.of(t(s(2), 1, 2), t(s(2), 3, 4)), 1), s(2, 2), 1, 3, 2, 4);
        List<Tensor> parts = a.split(new long[] {1, 2}, 1);
        assertEquals(2, parts.size());
        assertValues(parts.get(0), s(2, 1), 1, 4);
        assertValues(parts.get(1), s(2, 2), 2, 3, 5, 6);
        List<Tensor> chunks = a.chunk(2, 0);
        assertValues(chunks.get(1), s(1, 3), 4, 5, 6);
        assertValues(a.copy().add(1), s(2, 3), 2, 3, 4, 5, 6, 7);
        assertTorchError(() -> a.reshape(4), "shape '[4]' is invalid for input of size 6");
        assertTorchError(() -> a.transpose(0, 1).view(6), "view size is not compatible");
        assertTorchError(() -> a.expand(3, 3), "The expanded size of the tensor");
        assertTorchError(() -> a.permute(0), "does not match the length of the desired ordering");
        assertTorchError(() -> a.transpose(0, 2), "Dimension out of range");
        assertTorchError(() -> a.narrow(1, 2, 2), "start (2) + length (2) exceeds dimension size (3)");
        assertTorchError(() -> a.indexSelect(1, Tensor.of(new long[] {3}, 1)), "out of DATA bounds");
        assertTorchError(() -> Tensor.cat(List.of(a, t(s(2), 1, 2)), 0), "Tensors must have same number of dimensions");
        assertTorchError(() -> Tensor.stack(List.of(a, t(s(2), 1, 2)), 0), "stack expects each tensor to be equal size");
        assertTorchError(() -> a.split(new long[] {1, 1}, 1), "split_with_sizes expects split_sizes to sum exactly to 3");
        assertTorchError(() -> Tensor.cat(List.of(), 0), "tensor list is empty");
    }

    @Test
    void imageOps() {
        // pixel_unshuffle(2): [1,1,2,2] -> [1,4,1,1], channel = (dy*2 + dx)
        assertValues(t(s(1, 1, 2, 2), 1, 2, 3, 4).pixelUnshuffle(2), s(1, 4, 1, 1), 1, 2, 3, 4);
        Tensor x = t(s(1, 1, 4, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Tensor un = x.pixelUnshuffle(2);
        assertValues(un.narrow(1, 1, 1), s(1, 1, 2, 2), 1, 3, 9, 11);  // the dx=1, dy=0 phase
        assertClose(x, un.pixelShuffle(2), 0);
        assertValues(t(s(1, 1, 2, 2), 1, 2, 3, 4).upsampleNearest(4, 4), s(1, 1, 4, 4),
                1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        assertValues(t(s(1, 1, 1, 2), 0, 1).upsampleBilinear(1, 3, true), s(1, 1, 1, 3), 0, 0.5f, 1);
        assertValues(t(s(1, 1, 1, 2), 0, 1).upsampleBicubic(1, 3, true), s(1, 1, 1, 3), 0, 0.5f, 1);  // symmetric midpoint
        assertValues(x.maxPool2d(2, 2), s(1, 1, 2, 2), 5, 7, 13, 15);
        assertTorchError(() -> t(s(1, 1, 1, 1), 1).maxPool2d(2, 2), "Output size is too small");
        assertValues(t(s(1, 1, 2, 2), 2, 2, 2, 2).upsampleBicubic(3, 3, false), s(1, 1, 3, 3), 2, 2, 2, 2, 2, 2, 2, 2, 2);
        assertTorchError(() -> t(s(3), 1, 2, 3).upsampleBicubic(2, 2, false), "expected input_size equals to 4");
        Tensor row = t(s(1, 1, 1, 3), 1, 2, 3);
        // torch's Downsample pads (0,1,0,1) with zeros: right and bottom only
        assertValues(t(s(1, 1, 1, 2), 1, 2).pad(new long[] {0, 1, 0, 1}, Tensor.PadMode.CONSTANT, 0), s(1, 1, 2, 3),
                1, 2, 0, 0, 0, 0);
        assertValues(row.pad(new long[] {2, 1}, Tensor.PadMode.CONSTANT, 9), s(1, 1, 1, 6), 9, 9, 1, 2, 3, 9);
        assertValues(row.pad(new long[] {2, 1, 0, 0}, Tensor.PadMode.REFLECT, 0), s(1, 1, 1, 6), 3, 2, 1, 2, 3, 2);
        assertValues(row.pad(new long[] {1, 2, 0, 0}, Tensor.PadMode.REPLICATE, 0), s(1, 1, 1, 6), 1, 1, 2, 3, 3, 3);
        assertTorchError(() -> t(s(1, 1, 1, 3), 1, 2, 3).pixelUnshuffle(2), "divisible by downscale_factor");
        assertTorchError(() -> t(s(1, 3, 1, 1), 1, 2, 3).pixelShuffle(2), "divisible by the square of upscale_factor");
        assertTorchError(() -> t(s(3), 1, 2, 3).upsampleNearest(2, 2), "expected input_size equals to 4");
        assertTorchError(() -> t(s(3), 1, 2, 3).upsampleBilinear(2, 2, false), "expected input_size equals to 4");
        assertTorchError(() -> row.pad(new long[] {3, 0, 0, 0}, Tensor.PadMode.REFLECT, 0), "Padding size should be less than");
        assertTorchError(() -> row.pad(new long[] {1, 1}, Tensor.PadMode.REPLICATE, 0), "takes 4 pads");
    }

    @Test
    void reductions() {
        Tensor a = t(s(2, 3), 1, 5, 3, 4, 2, 6);
        assertEquals(21, a.sum().item(), 1e-6);
        assertEquals(3.5, a.mean().item(), 1e-6);
        assertEquals(6, a.max().item());
        assertEquals(1, a.min().item());
        assertValues(a.sum(new long[] {1}, false), s(2), 9, 12);
        assertValues(a.mean(new long[] {0}, true), s(1, 3), 2.5f, 3.5f, 4.5f);
        assertValues(a.amax(new long[] {1}, false), s(2), 5, 6);
        assertValues(a.amin(new long[] {0}, false), s(3), 1, 2, 3);
        try (Tensor.ValuesIndices m = a.max(1, false)) {
            assertValues(m.values(), s(2), 5, 6);
            assertArrayEquals(new long[] {1, 2}, m.indices().toLongArray());
        }
        assertArrayEquals(new long[] {1, 2}, a.argmax(1, false).toLongArray());
        assertArrayEquals(s(2, 1), a.argmax(1, true).shape());
        try (Tensor.ValuesIndices top = a.topk(2, 1, true, true)) {
            assertValues(top.values(), s(2, 2), 5, 3, 6, 4);
            assertArrayEquals(new long[] {1, 2, 2, 0}, top.indices().toLongArray());
        }
        try (Tensor.ValuesIndices low = a.topk(1, 1, false, true)) {
            assertValues(low.values(), s(2, 1), 1, 2);
        }
        assertTorchError(() -> a.sum(new long[] {2}, false), "Dimension out of range");
        assertTorchError(() -> a.mean(new long[] {5}, false), "Dimension out of range");
        assertTorchError(() -> a.amax(new long[] {3}, false), "Dimension out of range");
        assertTorchError(() -> a.amin(new long[] {3}, false), "Dimension out of range");
        assertTorchError(() -> a.max(2, false), "Dimension out of range");
        assertTorchError(() -> a.argmax(2, false), "Dimension out of range");
        assertTorchError(() -> a.topk(4, 1, true, true), "selected index k out of range");
        assertTorchError(() -> Tensor.of(new long[] {1, 2}, 2).mean(), "mean(): could not infer output dtype");
    }

    @Test
    void dtypeAndDeviceMoves() {
        Tensor a = t(s(3), 1.7f, -2.2f, 3);
        assertArrayEquals(new long[] {1, -2, 3}, a.to(DType.INT64).toLongArray());
        assertEquals(DType.FLOAT64, a.to(Device.CPU, DType.FLOAT64).dtype());
        assertValues(a.to(Device.CPU), s(3), 1.7f, -2.2f, 3);
        Tensor dst = Tensor.zeros(3);
        dst.copyFrom(a);
        assertValues(dst, s(3), 1.7f, -2.2f, 3);
        dst.copyFrom(Tensor.scalar(5));  // broadcasts
        assertValues(dst, s(3), 5, 5, 5);
        assertTorchError(() -> dst.copyFrom(Tensor.zeros(2)), "must match the size");
    }
}
