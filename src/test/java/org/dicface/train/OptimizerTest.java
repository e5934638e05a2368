package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.torch.DType;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** Adam, the cosine schedule, EMA and gradient clipping against the formulas, computed in plain Java. */
class OptimizerTest extends ScopedTest {

    @Test
    void adamFollowsTorchOptimAdamStepByStep() {
        double[] p = {0.5, -1.5, 2.0};
        double[] target = {1.0, 1.0, -1.0};
        Tensor param = Tensor.of(p.clone(), 3).requiresGrad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", param);
        Tensor frozen = Tensor.ones(2);  // does not require grad: not optimised
        params.put("frozen", frozen);
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-8;
        double[] m = new double[3];
        double[] v = new double[3];
        try (Adam adam = new Adam(params, b1, b2, eps)) {
            for (int step = 1; step <= 5; step++) {
                // loss = sum((w - target)^2 * (i + 1)): gradient 2 (i + 1)(w - target)
                param.sub(Tensor.of(target, 3)).square().mul(Tensor.of(new double[] {1, 2, 3}, 3)).sum().backward();
                adam.step(lr);
                adam.zeroGrad();
                for (int i = 0; i < 3; i++) {
                    double g = 2 * (i + 1) * (p[i] - target[i]);
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, step)) + eps;
                    p[i] -= lr / (1 - Math.pow(b1, step)) * m[i] / denom;
                }
                assertArrayEquals(p, param.toDoubleArray(), 1e-12, "step " + step);
            }
            assertEquals(5, adam.steps());
            assertNull(param.grad());
        }
    }

    @Test
    void cosineScheduleOfTheOfficialRecipe() {
        CosineSchedule s = CosineSchedule.official(100_000);
        assertEquals(5e-5, s.lr(0), 1e-15);
        assertEquals(3.5e-5, s.lr(50_000), 1e-15);
        assertEquals(2e-5, s.lr(100_000), 1e-15);
        assertEquals(2e-5, s.lr(200_000), 1e-15, "stays at the floor after the period");
        assertEquals(2e-5 + 3e-5 * (1 + Math.cos(Math.PI * 0.25)) / 2, s.lr(25_000), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1, 0, 0));
    }

    @Test
    void emaBlendsTowardsTheWeights() {
        Tensor w = Tensor.of(new double[] {1, 2}, 2);
        Tensor avg = Tensor.of(new double[] {0, 0}, 2);
        Ema ema = new Ema(Map.of("w", w), Map.of("w", avg), 0.997);
        ema.update();
        assertArrayEquals(new double[] {0.003, 0.006}, avg.toDoubleArray(), 1e-15);
        ema.update();
        assertArrayEquals(new double[] {0.003 * 0.997 + 0.003, 0.006 * 0.997 + 0.006}, avg.toDoubleArray(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new Ema(Map.of("w", w), Map.of("v", avg), 0.997));
    }

    @Test
    void gradientClippingScalesToTheMaximumNorm() {
        Tensor a = Tensor.of(new double[] {3, 0}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {0}, 1).requiresGrad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        try (Adam adam = Adam.official(params)) {
            a.mul(a).sum().add(b.mul(8).sum()).backward();   // grads: a = (6, 0), b = (8): norm 10
            assertEquals(10, adam.clipGradNorm(5), 1e-9);
            assertArrayEquals(new double[] {3, 0}, a.grad().toDoubleArray(), 1e-6);
            assertArrayEquals(new double[] {4}, b.grad().toDoubleArray(), 1e-6);
            assertEquals(5, adam.clipGradNorm(100), 1e-5, "no scaling below the maximum");
            assertArrayEquals(new double[] {4}, b.grad().toDoubleArray(), 1e-6);
        }
        assertEquals(DType.FLOAT64, a.dtype());
    }

    @Test
    void inPlaceOpsErrorWithLibtorchsMessage() {
        Tensor t = Tensor.zeros(3);
        org.dicface.torch.Assertions2Public.assertClose(new float[] {2, 2, 2}, t.addInPlace(Tensor.ones(3), 2).toFloatArray(), 0);
        var e = assertThrows(org.dicface.torch.TorchException.class, () -> t.addInPlace(Tensor.ones(4), 1));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("must match the size"), e.getMessage());
        assertThrows(org.dicface.torch.TorchException.class, () -> t.addcdivInPlace(Tensor.ones(2), Tensor.ones(3), 1));
    }
}
