package org.dicface.face;

/** A rectangle of whole pixels: columns [x, x + width), rows [y, y + height). */
record Rect(int x, int y, int width, int height) {
    static final Rect EMPTY = new Rect(0, 0, 0, 0);

    boolean isEmpty() {
        return width <= 0 || height <= 0;
    }

    /** This rectangle grown by {@code margin} on every side, then cut to a {@code w}×{@code h} frame. */
    Rect grow(int margin, int w, int h) {
        return clip(x - margin, y - margin, x + width + margin, y + height + margin, w, h);
    }

    /** The pixels with x0 <= x < x1 and y0 <= y < y1 inside a {@code w}×{@code h} frame. */
    static Rect clip(long x0, long y0, long x1, long y1, int w, int h) {
        long cx0 = Math.max(0, x0);
        long cy0 = Math.max(0, y0);
        long cx1 = Math.min(w, x1);
        long cy1 = Math.min(h, y1);
        if (cx1 <= cx0 || cy1 <= cy0) {
            return EMPTY;
        }
        return new Rect((int) cx0, (int) cy0, (int) (cx1 - cx0), (int) (cy1 - cy0));
    }

    /**
     * The frame pixels whose bilinear taps can touch the {@code size}×{@code size} crop, that is whose crop
     * coordinates lie in (-1, size) on both axes; {@code frameToCrop} maps frame pixels to the crop.
     */
    static Rect footprint(Similarity frameToCrop, int size, int w, int h) {
        Similarity inv = frameToCrop.inverse();
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int corner = 0; corner < 4; corner++) {
            double u = (corner & 1) == 0 ? -1 : size;
            double v = (corner & 2) == 0 ? -1 : size;
            double x = inv.applyX(u, v);
            double y = inv.applyY(u, v);
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
        }
        return clip(bound(Math.floor(minX)), bound(Math.floor(minY)), bound(Math.ceil(maxX) + 1),
                bound(Math.ceil(maxY) + 1), w, h);
    }

    private static long bound(double v) {
        return (long) Math.max(-1e15, Math.min(1e15, v));
    }
}
