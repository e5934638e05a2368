package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions for tensors. */
final class Assertions2 {
    private Assertions2() {
    }

    static void assertClose(float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (!(err <= tolerance * Math.max(1, Math.abs(expected[i])))) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    static void assertClose(Tensor expected, Tensor actual, double tolerance) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), "shape");
        assertClose(expected.toFloatArray(), actual.toFloatArray(), tolerance);
    }

    static void assertValues(Tensor t, long[] shape, float... expected) {
        assertEquals(java.util.Arrays.toString(shape), java.util.Arrays.toString(t.shape()), "shape");
        assertClose(expected, t.toFloatArray(), 1e-5);
    }

    /** The call fails inside libtorch and the Java exception carries a message containing each fragment. */
    static TorchException assertTorchError(Executable call, String... fragments) {
        TorchException e = assertThrows(TorchException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }
}
