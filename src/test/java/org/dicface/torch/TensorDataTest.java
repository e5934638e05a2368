package org.dicface.torch;

import static org.dicface.torch.Assertions2.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Test;

/** Tensors from and to host memory: every dtype of the C API, ImageJ pixel arrays, metadata. */
class TensorDataTest extends ScopedTest {
    @Test
    void float32RoundTripAndMetadata() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertEquals(2, t.dim());
        assertEquals(6, t.numel());
        assertEquals(DType.FLOAT32, t.dtype());
        assertEquals(Device.CPU, t.device());
        assertTrue(t.isContiguous());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        assertFalse(t.transpose(0, 1).isContiguous());
        // a non-contiguous view is read in its logical order
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.transpose(0, 1).toFloatArray());
    }

    @Test
    void int64Float64Int32RoundTrip() {
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, Tensor.of(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3).toLongArray());
        assertArrayEquals(new double[] {Math.PI, -1e300}, Tensor.of(new double[] {Math.PI, -1e300}, 2).toDoubleArray());
        assertArrayEquals(new int[] {-7, 1 << 30}, Tensor.of(new int[] {-7, 1 << 30}, 2).toIntArray());
        assertEquals(DType.INT64, Tensor.of(new long[] {1}, 1).dtype());
    }

    @Test
    void float16AndBfloat16FromRawBits() {
        // 1.0 = 0x3C00 (fp16) = 0x3F80 (bf16); -2.5 = 0xC100 (fp16) = 0xC020 (bf16); little-endian bytes
        Tensor half = Tensor.fromBytes(new byte[] {0x00, 0x3C, 0x00, (byte) 0xC1}, DType.FLOAT16, 2);
        assertEquals(DType.FLOAT16, half.dtype());
        assertArrayEquals(new float[] {1f, -2.5f}, half.toFloatArray());
        Tensor bf = Tensor.fromBytes(new byte[] {(byte) 0x80, 0x3F, 0x20, (byte) 0xC0}, DType.BFLOAT16, 2);
        assertArrayEquals(new float[] {1f, -2.5f}, bf.toFloatArray());
        // and back: float32 -> float16 rounds to the nearest half (1/3 -> 0x3555)
        byte[] bits = Tensor.of(new float[] {1f / 3}, 1).to(DType.FLOAT16).toBytes();
        assertArrayEquals(new byte[] {0x55, 0x35}, bits);
    }

    @Test
    void uint8AndConversions() {
        Tensor u = Tensor.fromBytes(new byte[] {0, 127, (byte) 200, (byte) 255}, DType.UINT8, 4);
        assertEquals(DType.UINT8, u.dtype());
        assertArrayEquals(new float[] {0, 127, 200, 255}, u.toFloatArray());
        assertArrayEquals(new long[] {0, 127, 200, 255}, u.toLongArray());
        assertArrayEquals(new byte[] {0, 1, 2, 3}, Tensor.of(new float[] {0.2f, 1.4f, 2.0f, 3.9f}, 4).to(DType.UINT8).toBytes());
    }

    @Test
    void fromNativeSegmentCopies() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1.5f, 2.5f, 3.5f, 4.5f);
            Tensor t = Tensor.fromSegment(seg, DType.FLOAT32, 2, 2);
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 99f);  // the tensor owns a copy
            assertValues(t, new long[] {2, 2}, 1.5f, 2.5f, 3.5f, 4.5f);
        }
    }

    @Test
    void creationHelpers() {
        assertValues(Tensor.zeros(2), new long[] {2}, 0, 0);
        assertValues(Tensor.ones(1, 2), new long[] {1, 2}, 1, 1);
        assertValues(Tensor.full(7, DType.INT64, Device.CPU, 3), new long[] {3}, 7, 7, 7);
        assertEquals(3.25, Tensor.scalar(3.25).item());
        assertEquals(0, Tensor.scalar(1).dim());
        assertEquals(0, Tensor.empty(DType.FLOAT32, Device.CPU, 0, 4).numel());
        assertArrayEquals(new float[0], Tensor.empty(DType.FLOAT32, Device.CPU, 0, 4).toFloatArray());
    }

    @Test
    void wrongSizesGiveClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("20 bytes") && e.getMessage().contains("24"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[1], -1));
        try (Arena arena = Arena.ofConfined()) {
            Assertions2.assertTorchError(() -> Tensor.fromSegment(arena.allocate(12), DType.FLOAT32, 2, 2),
                    "host buffer holds 12 bytes", "needs 16");
        }
        Assertions2.assertTorchError(() -> Tensor.scalar(1).expand(3).item(), "a Tensor with 3 elements cannot be converted to Scalar");
    }

    @Test
    void hostTransferErrorsAtTheCBoundary() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(8);
            Assertions2.assertTorchError(() -> Native.check(org.dicface.torch.bindings.dicface_torch_h.dft_copy_to_host(
                    t.handle(), small, 8)), "host buffer holds 8 bytes but the tensor [2, 3] of Float has 24");
            MemorySegment slot = arena.allocate(ValueLayout.ADDRESS);
            Tensor view = t.transpose(0, 1);
            Assertions2.assertTorchError(() -> Native.check(org.dicface.torch.bindings.dicface_torch_h.dft_data_ptr(
                    view.handle(), slot)), "data_ptr needs a contiguous tensor");
        }
        Assertions2.assertTorchError(() -> Tensor.empty(DType.FLOAT32, Device.CPU, 2, -3), "negative dimension -3");
        Assertions2.assertTorchError(() -> Tensor.full(1, DType.FLOAT32, Device.CPU, -1), "negative dimension -1");
    }

    @Test
    void imageJPixelArrays() {
        ByteProcessor bp = new ByteProcessor(3, 2, new byte[] {0, 1, 2, (byte) 253, (byte) 254, (byte) 255});
        Tensor b = Tensor.fromPixels(bp.getPixels(), bp.getWidth(), bp.getHeight());
        assertEquals(DType.UINT8, b.dtype());
        assertValues(b, new long[] {2, 3}, 0, 1, 2, 253, 254, 255);

        ShortProcessor sp = new ShortProcessor(2, 1);
        sp.set(0, 0, 65535);
        sp.set(1, 0, 1234);
        Tensor s = Tensor.fromPixels(sp.getPixels(), 2, 1);
        assertEquals(DType.INT32, s.dtype());
        assertValues(s, new long[] {1, 2}, 65535, 1234);  // unsigned, not -1

        FloatProcessor fp = new FloatProcessor(2, 2, new float[] {0.5f, -1, 3, 1e6f});
        assertValues(Tensor.fromPixels(fp.getPixels(), 2, 2), new long[] {2, 2}, 0.5f, -1, 3, 1e6f);

        ColorProcessor cp = new ColorProcessor(2, 1);
        cp.set(0, 0, 0xFF0A141E);  // r 10, g 20, b 30
        cp.set(1, 0, 0x00FF8001);  // r 255, g 128, b 1
        Tensor rgb = Tensor.fromPixels(cp.getPixels(), 2, 1);
        assertEquals(DType.UINT8, rgb.dtype());
        assertValues(rgb, new long[] {3, 1, 2}, 10, 255, 20, 128, 30, 1);

        assertThrows(IllegalArgumentException.class, () -> Tensor.fromPixels(new byte[5], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromPixels(new double[4], 2, 2));
    }

    @Test
    void deviceParsing() {
        assertEquals(Device.CPU, Device.parse("CPU"));
        assertEquals(Device.cuda(1), Device.parse("cuda:1"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals("cuda:2", Device.cuda(2).toString());
        assertEquals(Torch.cudaAvailable() ? Device.cuda(0) : Device.CPU, Device.parse("auto"));
        var e = assertThrows(IllegalArgumentException.class, () -> Device.parse("gpu"));
        assertTrue(e.getMessage().contains("cpu, cuda, cuda:N or auto"));
    }

    @Test
    void aMissingCudaDeviceIsAClearError() {
        // the first device this machine lacks: cuda:0 without CUDA, one past the last GPU with it
        try (Tensor t = Tensor.ones(2)) {
            TorchException e = assertThrows(TorchException.class, () -> t.to(Device.cuda((int) Torch.cudaDeviceCount())));
            assertFalse(e.getMessage().isBlank());
        }
    }
}
