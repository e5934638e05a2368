package org.dicface.torch;

import java.util.Random;

/** Plain-Java reference implementations of the ops, written from their definitions, to check libtorch against. */
public final class Reference {
    private Reference() {
    }

    public static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** conv2d, NCHW input [n,c,h,w], weight [o,c,k,k], zero padding. */
    public static float[] conv2d(float[] x, int n, int c, int h, int w, float[] weight, float[] bias, int o, int k, int stride, int pad) {
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        float[] out = new float[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = bias == null ? 0 : bias[oc];
                        for (int ic = 0; ic < c; ic++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = y * stride - pad + ky;
                                    int ix = xx * stride - pad + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        s += x[((b * c + ic) * h + iy) * w + ix] * weight[((oc * c + ic) * k + ky) * k + kx];
                                    }
                                }
                            }
                        }
                        out[((b * o + oc) * oh + y) * ow + xx] = (float) s;
                    }
                }
            }
        }
        return out;
    }

    /** Normalises each consecutive run of {@code size} values (mean 0, variance 1, biased variance). */
    public static float[] normalise(float[] x, int size, double eps) {
        float[] out = new float[x.length];
        for (int start = 0; start < x.length; start += size) {
            double mean = 0;
            for (int i = 0; i < size; i++) {
                mean += x[start + i];
            }
            mean /= size;
            double var = 0;
            for (int i = 0; i < size; i++) {
                var += (x[start + i] - mean) * (x[start + i] - mean);
            }
            var /= size;
            for (int i = 0; i < size; i++) {
                out[start + i] = (float) ((x[start + i] - mean) / Math.sqrt(var + eps));
            }
        }
        return out;
    }

    /** [m,k] x [k,n]. */
    public static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += a[i * k + t] * b[t * n + j];
                }
                out[i * n + j] = (float) s;
            }
        }
        return out;
    }

    public static float[] softmaxRows(float[] x, int rowLength) {
        float[] out = new float[x.length];
        for (int start = 0; start < x.length; start += rowLength) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < rowLength; i++) {
                max = Math.max(max, x[start + i]);
            }
            double sum = 0;
            for (int i = 0; i < rowLength; i++) {
                sum += Math.exp(x[start + i] - max);
            }
            for (int i = 0; i < rowLength; i++) {
                out[start + i] = (float) (Math.exp(x[start + i] - max) / sum);
            }
        }
        return out;
    }
}
