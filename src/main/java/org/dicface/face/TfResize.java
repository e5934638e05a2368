package org.dicface.face;

/**
 * TensorFlow's legacy bilinear resize (resizeBilinear with alignCorners and halfPixelCenters false), the one
 * face-api's networks were fed with, along one axis: output pixel i reads input position i * in / out, between
 * input pixels {@code lo} and {@code hi} (clamped at the last pixel) with weight {@code frac} on {@code hi}.
 */
record TfResize(int lo, int hi, double frac) {
    static TfResize[] taps(int in, int out) {
        TfResize[] taps = new TfResize[out];
        double ratio = (double) in / out;
        for (int i = 0; i < out; i++) {
            double src = ratio * i;
            int lo = (int) Math.floor(src);
            taps[i] = new TfResize(lo, Math.min(in - 1, (int) Math.ceil(src)), src - lo);
        }
        return taps;
    }
}
