package org.dicface.face;

/**
 * A plausible 68-point face (iBUG order) laid out on the FFHQ 512 template: its eye centres, nose tip and
 * mouth corners are the template's points exactly, so the alignment of its image in a frame is known.
 */
final class SyntheticFace {
    private SyntheticFace() {
    }

    /** The 68 points in 512-crop pixels. */
    static Landmarks crop512() {
        double[] xy = new double[136];
        for (int i = 0; i <= 16; i++) { // jaw: from the left temple under the chin to the right one
            double t = Math.PI * i / 16;
            set(xy, i, 256 - 150 * Math.cos(t), 250 + 200 * Math.sin(t));
        }
        for (int i = 0; i < 5; i++) { // brows
            set(xy, 17 + i, 150 + 22 * i, 205 - 8 * Math.sin(Math.PI * i / 4));
            set(xy, 22 + i, 274 + 22 * i, 205 - 8 * Math.sin(Math.PI * i / 4));
        }
        for (int i = 0; i < 4; i++) { // nose bridge down to the tip (30)
            set(xy, 27 + i, 256.63416, 250 + (314.01935 - 250) * i / 3);
        }
        for (int i = 0; i < 5; i++) {
            set(xy, 31 + i, 232 + 12 * i, 326);
        }
        eye(xy, 36, 192.98138, 239.94708);
        eye(xy, 42, 318.90277, 240.1936);
        double mx = (201.26117 + 313.08905) / 2;
        double my = (371.41043 + 371.15118) / 2;
        double rx = (313.08905 - 201.26117) / 2;
        for (int k = 0; k < 12; k++) { // outer lip, 48 and 54 the corners
            double t = Math.PI - Math.PI * k / 6;
            set(xy, 48 + k, mx + rx * Math.cos(t), my - 18 * Math.sin(t));
        }
        set(xy, 48, 201.26117, 371.41043);
        set(xy, 54, 313.08905, 371.15118);
        for (int k = 0; k < 8; k++) { // inner lip
            double t = Math.PI - Math.PI * k / 4;
            set(xy, 60 + k, mx + 0.8 * rx * Math.cos(t), my - 8 * Math.sin(t));
        }
        return new Landmarks(xy);
    }

    /** The face's 68 points in frame pixels when {@code frameToCrop512} aligns it to the 512 template. */
    static Landmarks inFrame(Similarity frameToCrop512) {
        return frameToCrop512.inverse().apply(crop512());
    }

    /** Six points about a centre whose mean is that centre. */
    private static void eye(double[] xy, int first, double cx, double cy) {
        for (int k = 0; k < 6; k++) {
            double t = Math.PI * k / 3;
            set(xy, first + k, cx + 20 * Math.cos(t), cy + 8 * Math.sin(t));
        }
    }

    private static void set(double[] xy, int i, double x, double y) {
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
    }
}
