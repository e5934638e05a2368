package org.dicface.torch;

import static org.dicface.torch.Assertions2.assertTorchError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** Gradients from libtorch's autograd, checked against finite differences. */
class AutogradTest extends ScopedTest {
    private static Tensor f64(long seed, long... shape) {
        int n = (int) HostData.numel(shape);
        double[] v = new double[n];
        float[] r = Reference.random(seed, n);
        for (int i = 0; i < n; i++) {
            v[i] = r[i];
        }
        return Tensor.of(v, shape);
    }

    /** Central difference of {@code loss} with respect to element {@code i} of {@code values}. */
    private static double finiteDifference(double[] values, long[] shape, int i, Function<Tensor, Double> loss) {
        double h = 1e-6;
        double[] plus = values.clone();
        double[] minus = values.clone();
        plus[i] += h;
        minus[i] -= h;
        try (Scope s = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            return (loss.apply(Tensor.of(plus, shape)) - loss.apply(Tensor.of(minus, shape))) / (2 * h);
        }
    }

    @Test
    void conv2dGradientsMatchFiniteDifferences() {
        long[] xs = {2, 3, 6, 5};
        long[] ws = {4, 3, 3, 3};
        Tensor x = f64(1, xs).requiresGrad(true);
        Tensor w = f64(2, ws).requiresGrad(true);
        Tensor b = f64(3, 4).requiresGrad(true);
        Tensor r = f64(4, 2, 4, 3, 3);  // random weights make every output element matter differently
        // stride 2, padding 1: exercises both
        x.conv2d(w, b, 2, 1).mul(r).sum().backward();

        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] bv = b.toDoubleArray();
        double[] gx = x.grad().toDoubleArray();
        double[] gw = w.grad().toDoubleArray();
        double[] gb = b.grad().toDoubleArray();
        for (int i = 0; i < xv.length; i += 7) {
            double fd = finiteDifference(xv, xs, i, xt -> xt.conv2d(w.detach(), b.detach(), 2, 1).mul(r).sum().item());
            assertEquals(fd, gx[i], 1e-6, "dL/dx[" + i + "]");
        }
        for (int i = 0; i < wv.length; i += 5) {
            double fd = finiteDifference(wv, ws, i, wt -> x.detach().conv2d(wt, b.detach(), 2, 1).mul(r).sum().item());
            assertEquals(fd, gw[i], 1e-6, "dL/dw[" + i + "]");
        }
        for (int i = 0; i < bv.length; i++) {
            double fd = finiteDifference(bv, new long[] {4}, i, bt -> x.detach().conv2d(w.detach(), bt, 2, 1).mul(r).sum().item());
            assertEquals(fd, gb[i], 1e-6, "dL/db[" + i + "]");
        }
    }

    /** E[sum_i c_i w_i^2] for w ~ Dirichlet(alpha): E[w_i^2] = a_i (a_i + 1) / (a0 (a0 + 1)). */
    private static double expectedQuadratic(double[] alpha, double[] c) {
        double a0 = 0;
        for (double a : alpha) {
            a0 += a;
        }
        double sum = 0;
        for (int i = 0; i < alpha.length; i++) {
            sum += c[i] * alpha[i] * (alpha[i] + 1) / (a0 * (a0 + 1));
        }
        return sum;
    }

    @Test
    void dirichletSampleGradientMatchesFiniteDifferencesOfItsExpectation() {
        double[] alpha = {0.5, 1.5, 3.0};
        double[] c = {2.0, -1.0, 0.5};
        int samples = 200_000;
        Tensor a = Tensor.of(alpha, 1, 3).requiresGrad(true);
        try (Generator gen = new Generator(1234)) {
            Tensor g = a.expand(samples, 3).standardGamma(gen);
            Tensor w = g.div(g.sum(new long[] {1}, true));  // the reparameterised Dirichlet sample
            w.square().mul(Tensor.of(c, 1, 3)).sum(new long[] {1}, false).mean().backward();
        }
        double[] pathwise = a.grad().toDoubleArray();
        for (int i = 0; i < alpha.length; i++) {
            double h = 1e-5;
            double[] plus = alpha.clone();
            double[] minus = alpha.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (expectedQuadratic(plus, c) - expectedQuadratic(minus, c)) / (2 * h);
            // Monte-Carlo error of the pathwise estimate at 200k samples is well below 0.005 here
            assertEquals(fd, pathwise[i], 0.005 + 0.03 * Math.abs(fd), "d E[f] / d alpha[" + i + "]");
        }
    }

    @Test
    void dirichletSamplesAreSeededAndOnTheSimplex() {
        Tensor alpha = Tensor.of(new float[] {0.1f, 0.1f, 5f, 2f}, 1, 4).expand(1000, 4);
        float[] first;
        float[] second;
        try (Generator gen = new Generator(7)) {
            Tensor g = alpha.standardGamma(gen);
            first = g.div(g.sum(new long[] {1}, true)).toFloatArray();
        }
        try (Generator gen = new Generator(7)) {
            Tensor g = alpha.standardGamma(gen);
            second = g.div(g.sum(new long[] {1}, true)).toFloatArray();
        }
        assertArrayEquals(first, second, "same seed, same sample");
        double[] mean = new double[4];
        for (int row = 0; row < 1000; row++) {
            double s = 0;
            for (int j = 0; j < 4; j++) {
                float v = first[row * 4 + j];
                assertTrue(v >= 0 && v <= 1);
                s += v;
                mean[j] += v / 1000;
            }
            assertEquals(1, s, 1e-5);
        }
        assertEquals(5 / 7.2, mean[2], 0.02);  // E[w] = alpha / sum(alpha)
        assertEquals(2 / 7.2, mean[3], 0.02);
    }

    @Test
    void autogradApi() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        assertFalse(x.requiresGrad());
        assertNull(x.grad(), "no gradient before backward");
        x.requiresGrad(true);
        assertTrue(x.requiresGrad());
        Tensor y = x.mul(x);  // dy/dx = 2x
        y.backward(Tensor.of(new float[] {1, 10, 100}, 3), true);
        assertArrayEquals(new float[] {2, 40, 600}, x.grad().toFloatArray());
        y.backward(Tensor.ones(3), false);  // accumulates
        assertArrayEquals(new float[] {4, 44, 606}, x.grad().toFloatArray());
        assertTorchError(() -> y.backward(Tensor.ones(3), false), "Trying to backward through the graph a second time");
        x.zeroGrad();
        assertNull(x.grad());
        assertTorchError(() -> y.backward(), "grad can be implicitly created only for scalar outputs");
        assertTorchError(() -> Tensor.of(new long[] {1}, 1).requiresGrad(true), "floating point");
        Tensor plain = Tensor.ones(2);
        assertTorchError(() -> plain.sum().backward(), "does not require grad");
    }

    @Test
    void gradModesDecideWhatIsRecorded() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        assertTrue(x.mul(2).requiresGrad());
        try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            assertEquals(GradMode.NO_GRAD, GradMode.current());
            assertFalse(x.mul(2).requiresGrad());
        }
        assertEquals(GradMode.GRAD, GradMode.current());
        Tensor inference;
        try (GradMode.Guard g = GradMode.INFERENCE.enter()) {
            inference = x.detach().mul(2);
            assertFalse(inference.requiresGrad());
        }
        // an inference tensor may be read but never saved for backward
        assertArrayEquals(new float[] {2, 4}, inference.toFloatArray());
        assertTorchError(() -> x.mul(inference).sum().backward(), "Inference tensors cannot be saved for backward");
        Tensor detached = x.detach();  // same values, outside the graph
        assertFalse(detached.requiresGrad());
        assertArrayEquals(new float[] {1, 2}, detached.toFloatArray());
        assertTrue(x.requiresGrad(), "the original stays in the graph");
    }
}
