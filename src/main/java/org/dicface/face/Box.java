package org.dicface.face;

/** An axis-aligned box in frame pixels: left, top, width, height (pixel centres at integer coordinates). */
public record Box(double x, double y, double width, double height) {
    public Box {
        if (!(width >= 0 && height >= 0) || !Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(width)
                || !Double.isFinite(height)) {
            throw new IllegalArgumentException("not a box: " + x + ", " + y + ", " + width + ", " + height);
        }
    }

    /** This box moved by (dx, dy). */
    public Box moved(double dx, double dy) {
        return new Box(x + dx, y + dy, width, height);
    }

    public double area() {
        return width * height;
    }

    public double centerX() {
        return x + width / 2;
    }

    public double centerY() {
        return y + height / 2;
    }

    /** Intersection over union, 0 for disjoint boxes. */
    public double iou(Box other) {
        double w = Math.min(x + width, other.x + other.width) - Math.max(x, other.x);
        double h = Math.min(y + height, other.y + other.height) - Math.max(y, other.y);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        return inter / (area() + other.area() - inter);
    }
}
