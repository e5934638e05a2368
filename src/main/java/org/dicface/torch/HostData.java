package org.dicface.torch;

import static org.dicface.torch.bindings.dicface_torch_h.dft_data_ptr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * Copies between Java arrays and tensor memory. Each copy goes straight into (or out of) the tensor's own
 * storage: the one copy a moving Java heap requires, and no other.
 */
final class HostData {
    private HostData() {
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The tensor's storage as a segment; it must be a contiguous CPU tensor and outlive the segment's use. */
    static MemorySegment storage(Tensor t, long bytes) {
        if (bytes == 0) {
            return MemorySegment.NULL;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(dft_data_ptr(t.handle(), out));
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(bytes);
        }
    }

    private static long elementBytes(Object array) {
        return switch (array) {
            case byte[] b -> 1;
            case short[] s -> 2;
            case int[] i -> 4;
            case float[] f -> 4;
            case long[] l -> 8;
            case double[] d -> 8;
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass().getSimpleName());
        };
    }

    static Tensor fromArray(Object array, DType dtype, long... shape) {
        long bytes = Array.getLength(array) * elementBytes(array);
        long needed = numel(shape) * dtype.byteSize();
        if (bytes != needed) {
            throw new IllegalArgumentException("the array holds " + bytes + " bytes but shape " + Arrays.toString(shape)
                    + " of " + dtype + " needs " + needed);
        }
        Tensor t = Tensor.empty(dtype, Device.CPU, shape);
        try {
            if (bytes > 0) {
                MemorySegment.copy(heap(array), 0, storage(t, bytes), 0, bytes);
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static MemorySegment heap(Object array) {
        return switch (array) {
            case byte[] b -> MemorySegment.ofArray(b);
            case short[] s -> MemorySegment.ofArray(s);
            case int[] i -> MemorySegment.ofArray(i);
            case float[] f -> MemorySegment.ofArray(f);
            case long[] l -> MemorySegment.ofArray(l);
            case double[] d -> MemorySegment.ofArray(d);
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass().getSimpleName());
        };
    }

    /** The elements converted to {@code dtype}, as a new Java array of the matching primitive type. */
    static Object toArray(Tensor t, DType dtype) {
        long n = t.numel();
        Object array = switch (dtype) {
            case FLOAT32 -> new float[Math.toIntExact(n)];
            case FLOAT64 -> new double[Math.toIntExact(n)];
            case INT64 -> new long[Math.toIntExact(n)];
            case INT32 -> new int[Math.toIntExact(n)];
            case UINT8, INT8, BOOL -> new byte[Math.toIntExact(n)];
            case INT16, FLOAT16, BFLOAT16 -> new short[Math.toIntExact(n)];
        };
        copyOut(t, dtype, heap(array));
        return array;
    }

    static byte[] toBytes(Tensor t) {
        byte[] bytes = new byte[Math.toIntExact(t.numel() * t.dtype().byteSize())];
        copyOut(t, t.dtype(), MemorySegment.ofArray(bytes));
        return bytes;
    }

    private static void copyOut(Tensor t, DType dtype, MemorySegment dst) {
        long bytes = dst.byteSize();
        if (bytes == 0) {
            return;
        }
        if (t.dtype() == dtype && t.device().equals(Device.CPU) && t.isContiguous()) {
            MemorySegment.copy(storage(t, bytes), 0, dst, 0, bytes);
            return;
        }
        try (GradMode.Guard g = GradMode.NO_GRAD.enter(); Tensor c = t.to(Device.CPU, dtype); Tensor cc = c.contiguous()) {
            MemorySegment.copy(storage(cc, bytes), 0, dst, 0, bytes);
        }
    }

    /** Chunk of the streamed copies: a ByteBuffer view is limited to 2 GiB, tensors are not. */
    static final int CHUNK = 1 << 24;

    static void readInto(Tensor t, java.io.InputStream in) throws java.io.IOException {
        readInto(t, in, CHUNK);
    }

    /** Fills a contiguous CPU tensor from a stream, {@code chunk} bytes at a time, straight into its storage. */
    static void readInto(Tensor t, java.io.InputStream in, int chunk) throws java.io.IOException {
        long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
        MemorySegment target = storage(t, bytes);
        java.nio.channels.ReadableByteChannel channel = java.nio.channels.Channels.newChannel(in);
        for (long done = 0; done < bytes; ) {
            java.nio.ByteBuffer window = target.asSlice(done, Math.min(chunk, bytes - done)).asByteBuffer();
            while (window.hasRemaining()) {
                int n = channel.read(window);
                if (n < 0) {
                    throw new java.io.EOFException("the stream ended " + (bytes - done - window.position())
                            + " bytes before the tensor was full");
                }
            }
            done += window.capacity();
        }
    }

    static void writeTo(Tensor t, java.nio.channels.WritableByteChannel out) throws java.io.IOException {
        writeTo(t, out, CHUNK);
    }

    /** Writes a tensor's bytes (as a contiguous CPU tensor) to a channel, {@code chunk} bytes at a time. */
    static void writeTo(Tensor t, java.nio.channels.WritableByteChannel out, int chunk) throws java.io.IOException {
        long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
        if (bytes == 0) {
            return;
        }
        try (GradMode.Guard g = GradMode.NO_GRAD.enter(); Tensor c = t.to(Device.CPU, t.dtype()); Tensor cc = c.contiguous()) {
            MemorySegment source = storage(cc, bytes);
            for (long done = 0; done < bytes; ) {
                java.nio.ByteBuffer window = source.asSlice(done, Math.min(chunk, bytes - done)).asByteBuffer();
                while (window.hasRemaining()) {
                    out.write(window);
                }
                done += window.capacity();
            }
        }
    }

    static Tensor fromPixels(Object pixels, int width, int height) {
        int n = Math.multiplyExact(width, height);
        if (Array.getLength(pixels) != n) {
            throw new IllegalArgumentException("the pixel array holds " + Array.getLength(pixels) + " pixels, not "
                    + width + " x " + height);
        }
        return switch (pixels) {
            case byte[] b -> fromArray(b, DType.UINT8, height, width);
            case float[] f -> fromArray(f, DType.FLOAT32, height, width);
            case short[] s -> fill(DType.INT32, new long[] {height, width}, seg -> {
                for (int i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_INT, i, s[i] & 0xffff);  // ImageJ's 16-bit is unsigned
                }
            });
            case int[] rgb -> fill(DType.UINT8, new long[] {3, height, width}, seg -> {
                for (int i = 0; i < n; i++) {
                    int c = rgb[i];
                    seg.set(ValueLayout.JAVA_BYTE, i, (byte) (c >> 16));
                    seg.set(ValueLayout.JAVA_BYTE, n + (long) i, (byte) (c >> 8));
                    seg.set(ValueLayout.JAVA_BYTE, 2L * n + i, (byte) c);
                }
            });
            default -> throw new IllegalArgumentException("not an ImageJ pixel array: " + pixels.getClass().getSimpleName()
                    + " (expected byte[], short[], float[] or int[] RGB)");
        };
    }

    private static Tensor fill(DType dtype, long[] shape, java.util.function.Consumer<MemorySegment> writer) {
        Tensor t = Tensor.empty(dtype, Device.CPU, shape);
        try {
            long bytes = numel(shape) * dtype.byteSize();
            if (bytes > 0) {
                writer.accept(storage(t, bytes));
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }
}
