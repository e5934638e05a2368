package org.dicface.torch;

/** {@link Assertions2} for tests in other packages. */
public final class Assertions2Public {
    private Assertions2Public() {
    }

    public static void assertClose(float[] expected, float[] actual, double tolerance) {
        Assertions2.assertClose(expected, actual, tolerance);
    }
}
