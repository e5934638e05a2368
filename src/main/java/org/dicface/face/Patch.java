package org.dicface.face;

/**
 * Values over a rectangle of frame pixels (columns x .. x + width - 1, rows y .. y + height - 1), planar:
 * {@code data[(c·height + row)·width + column]}. Pixels outside the rectangle are 0 (a mask) or untouched.
 */
public final class Patch {
    private final Rect rect;
    private final int channels;
    private final float[] data;

    Patch(Rect rect, int channels, float[] data) {
        if (data.length != (long) channels * rect.width() * rect.height()) {
            throw new IllegalArgumentException("a " + rect + " patch of " + channels + " channels holds "
                    + (long) channels * rect.width() * rect.height() + " values, not " + data.length);
        }
        this.rect = rect;
        this.channels = channels;
        this.data = data;
    }

    public int x() {
        return rect.x();
    }

    public int y() {
        return rect.y();
    }

    public int width() {
        return rect.width();
    }

    public int height() {
        return rect.height();
    }

    public int channels() {
        return channels;
    }

    public boolean isEmpty() {
        return rect.isEmpty();
    }

    /** The value of channel {@code c} at frame pixel (x, y); 0 outside the rectangle. */
    public float at(int c, int x, int y) {
        int col = x - rect.x();
        int row = y - rect.y();
        if (col < 0 || row < 0 || col >= rect.width() || row >= rect.height()) {
            return 0;
        }
        return data[(c * rect.height() + row) * rect.width() + col];
    }

    Rect rect() {
        return rect;
    }

    float[] data() {
        return data;
    }
}
