package org.dicface.face;

import java.util.Random;

/**
 * Scenes for the shot-cut tests: a lit background and a dozen coloured objects, drawn from a seed, seen
 * through a window that the camera can move, under a light that can change (gain and offset).
 */
public final class SyntheticScenes {
    private SyntheticScenes() {
    }

    /** RGB planes in [-1, 1] of a width x height view of scene {@code seed}, the camera moved by (dx, dy) px. */
    public static float[] view(long seed, int width, int height, double dx, double dy, double gain, double bias) {
        Random r = new Random(seed);
        double[] top = color(r);
        double[] bottom = color(r);
        int objects = 12;
        double[][] obj = new double[objects][];
        for (int k = 0; k < objects; k++) {
            double[] c = color(r);
            obj[k] = new double[] {r.nextDouble() * 1.6 - 0.3, r.nextDouble() * 1.6 - 0.3, 0.05 + 0.2 * r.nextDouble(),
                0.05 + 0.2 * r.nextDouble(), c[0], c[1], c[2], 5 + 20 * r.nextDouble()};
        }
        float[] out = new float[3 * width * height];
        int n = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = (x + dx) / width;
                double v = (y + dy) / height;
                double[] c = new double[3];
                for (int ch = 0; ch < 3; ch++) {
                    c[ch] = top[ch] + (bottom[ch] - top[ch]) * Math.clamp(v, 0, 1);
                }
                for (double[] o : obj) {
                    double ex = (u - o[0]) / o[2];
                    double ey = (v - o[1]) / o[3];
                    if (ex * ex + ey * ey < 1) {
                        double shade = 0.15 * Math.sin(o[7] * (u + v));
                        for (int ch = 0; ch < 3; ch++) {
                            c[ch] = o[4 + ch] + shade;
                        }
                    }
                }
                for (int ch = 0; ch < 3; ch++) {
                    out[ch * n + y * width + x] = (float) Math.clamp(gain * c[ch] + bias, -1, 1);
                }
            }
        }
        return out;
    }

    private static double[] color(Random r) {
        return new double[] {r.nextDouble() * 1.6 - 0.8, r.nextDouble() * 1.6 - 0.8, r.nextDouble() * 1.6 - 0.8};
    }
}
