package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;

import org.junit.jupiter.api.Test;

/**
 * Views and copies with numbers from files: as_strided's bound check cannot be wrapped past 2^63, byte sizes
 * cannot overflow, and tensor data streams in chunks (a ByteBuffer holds at most 2 GiB; tensors may not).
 */
class HostileViewsTest {
    @Test
    void viewsWhoseBoundWrapsPast2To63AreRefused() {
        try (Scope scope = Scope.open()) {
            Tensor storage = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
            long[] one = {1};
            // offset + (size - 1) * stride wrapped around used to pass: a crash, or a read before the storage
            for (long offset : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, 10, 11, -1, Long.MIN_VALUE}) {
                assertThrows(TorchException.class, () -> storage.asStrided(one, one, offset), "offset " + offset);
            }
            assertThrows(TorchException.class, () -> storage.asStrided(new long[] {2}, new long[] {Long.MAX_VALUE / 2 + 1}, 8));
            assertThrows(TorchException.class, () -> storage.asStrided(new long[] {3, 3}, new long[] {Long.MAX_VALUE, 1}, 0));
            assertThrows(TorchException.class, () -> storage.asStrided(new long[] {-1}, one, 0));
            // inside: the last element, a strided view, and an empty view at the very end
            assertArrayEquals(new float[] {9}, storage.asStrided(one, one, 9).toFloatArray());
            assertArrayEquals(new float[] {1, 4, 7}, storage.asStrided(new long[] {3}, new long[] {3}, 1).toFloatArray());
            assertEquals(0, storage.asStrided(new long[] {0}, one, 10).numel());
        }
    }

    @Test
    void byteSizesThatOverflowAreRefusedBeforeAllocating() {
        assertThrows(TorchException.class, () -> Tensor.empty(DType.FLOAT32, Device.CPU, Long.MAX_VALUE / 2, 4).close());
        assertThrows(TorchException.class, () -> Tensor.empty(DType.FLOAT64, Device.CPU, 1L << 61).close());
        assertThrows(RuntimeException.class,
                () -> Tensor.fromSegment(java.lang.foreign.MemorySegment.ofArray(new byte[8]), DType.FLOAT32, 1L << 62, 4).close());
    }

    private static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 0.5f);
        }
        return b.array();
    }

    /** A stream that hands out at most 3 bytes a read, as a zip entry may. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3));
            }
        };
    }

    @Test
    void dataStreamsInChunksOfAnySize() throws IOException {
        byte[] bytes = floats(101);
        float[] expected = new float[101];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = i * 0.5f;
        }
        for (int chunk : new int[] {1, 7, 400, 404, 1 << 20}) {
            try (Tensor t = Tensor.empty(DType.FLOAT32, Device.CPU, 101)) {
                HostData.readInto(t, trickle(bytes), chunk);
                assertArrayEquals(expected, t.toFloatArray(), "chunk " + chunk);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                HostData.writeTo(t, Channels.newChannel(out), chunk);
                assertArrayEquals(bytes, out.toByteArray(), "chunk " + chunk);
            }
        }
        try (Tensor t = Tensor.empty(DType.FLOAT32, Device.CPU, 101)) {
            EOFException e = assertThrows(EOFException.class, () -> HostData.readInto(t, trickle(floats(100)), 7));
            assertTrue(e.getMessage().contains("4 bytes before"), e.getMessage());
        }
    }

    @Test
    void aNonContiguousViewIsWrittenInRowMajorOrder() throws IOException {
        try (Scope scope = Scope.open()) {
            Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3).transpose(0, 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HostData.writeTo(t, Channels.newChannel(out), 5);
            ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            float[] got = new float[6];
            b.asFloatBuffer().get(got);
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, got);
        }
    }
}
