package org.dicface.face;

/**
 * The pixels {@link LandmarkNet} reads for one face, as face-api's {@code extractFaceTensors} cuts them: the
 * detector's box clipped at the frame's border, then its corner and its size each floored; and how that cut is
 * padded to a square {@code side} (face-api's padToSquare: the larger half of the padding after the face).
 */
public record FaceCrop(int x, int y, int width, int height, int side, int padLeft, int padTop) {

    /**
     * The crop of a detector box in face-api's units (the frame spanning [0, width] x [0, height], as
     * {@link FaceDetector} gives it); null when nothing of it is left inside the frame.
     */
    public static FaceCrop of(Box box, int frameWidth, int frameHeight) {
        double left = Math.max(box.x(), 0);
        double top = Math.max(box.y(), 0);
        double w = Math.min(box.x() + box.width() - left, frameWidth - left);
        double h = Math.min(box.y() + box.height() - top, frameHeight - top);
        int x = (int) Math.floor(left);
        int y = (int) Math.floor(top);
        int cw = (int) Math.floor(w);
        int ch = (int) Math.floor(h);
        if (cw <= 0 || ch <= 0 || x >= frameWidth || y >= frameHeight) {
            return null;
        }
        int side = Math.max(cw, ch);
        int diff = side - Math.min(cw, ch);
        int before = diff - (int) Math.round(diff * 0.5);  // JavaScript's Math.round: halves up
        return new FaceCrop(x, y, cw, ch, side, cw < ch ? before : 0, ch < cw ? before : 0);
    }

    /**
     * The network's 136 outputs from {@code offset} (fractions of the square's side) as frame points, pixel
     * centres at integer coordinates: the fraction f is the index coordinate f * side of the square (the
     * resize to 112 maps indices to indices), moved by the crop's corner less the padding before the face.
     */
    Landmarks toFrame(float[] out, int offset) {
        double[] xy = new double[2 * LandmarkNet.POINTS];
        for (int i = 0; i < LandmarkNet.POINTS; i++) {
            xy[2 * i] = x - padLeft + out[offset + 2 * i] * (double) side;
            xy[2 * i + 1] = y - padTop + out[offset + 2 * i + 1] * (double) side;
        }
        return new Landmarks(xy);
    }
}
