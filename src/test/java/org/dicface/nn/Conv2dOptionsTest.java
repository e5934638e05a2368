package org.dicface.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** Conv2d's options record: its defaults (stride 1, 'same' padding, a bias) and each change, seen in the output shape. */
class Conv2dOptionsTest extends ScopedTest {
    @Test
    void theDefaultsAreStrideOneSamePaddingAndABias() {
        assertEquals(new Conv2d.Options(1, Conv2d.Options.SAME, true), Conv2d.Options.DEFAULT);
        for (int kernel : new int[] {1, 3, 5}) {
            try (Conv2d conv = new Conv2d(2, 3, kernel)) {
                assertArrayEquals(new long[] {1, 3, 9, 7}, conv.forward(Tensor.zeros(1, 2, 9, 7)).shape(), "kernel " + kernel);
                assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
            }
        }
    }

    @Test
    void strideAndPaddingAndBiasChangeOneAtATime() {
        Conv2d.Options o = Conv2d.Options.DEFAULT.stride(2).padding(0).withoutBias();
        assertEquals(new Conv2d.Options(2, 0, false), o);
        try (Conv2d conv = new Conv2d(2, 3, 3, o)) {
            // (9 - 3) / 2 + 1 = 4, (7 - 3) / 2 + 1 = 3
            assertArrayEquals(new long[] {1, 3, 4, 3}, conv.forward(Tensor.zeros(1, 2, 9, 7)).shape());
            assertEquals(List.of("weight"), List.copyOf(conv.namedParameters().keySet()));
        }
        try (Conv2d conv = new Conv2d(2, 3, 3, Conv2d.Options.DEFAULT.padding(2))) {
            assertArrayEquals(new long[] {1, 3, 11, 9}, conv.forward(Tensor.zeros(1, 2, 9, 7)).shape());
        }
    }

    @Test
    void impossibleOptionsAreRefused() {
        assertEquals("a convolution's stride must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.Options.DEFAULT.stride(0)).getMessage());
        assertEquals("a convolution's padding must be >= 0, got -3",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.Options.DEFAULT.padding(-3)).getMessage());
    }
}
