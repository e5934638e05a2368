package org.dicface.train;

import java.util.Random;

import ij.process.ByteProcessor;
import org.dicface.torch.DType;
import org.dicface.torch.Tensor;

/**
 * The official inpainting masks (brush_stroke_mask_video): 1 to 3 strokes, the same on all frames of a clip;
 * each a polyline of 8 to 27 vertices whose segments turn by about 2 pi / 5 (plus or minus up to 2 pi / 12,
 * every other segment turning back), segment lengths normal around the image diagonal / 8 (clipped to
 * [0, diagonal / 4]), widths uniform in [30, 70], with a filled disc at each vertex.
 */
public final class BrushStrokes {
    private BrushStrokes() {
    }

    /** A mask [1, H, W] (1 = hole) drawn with the given random source. */
    public static Tensor mask(int width, int height, Random random) {
        ByteProcessor ip = new ByteProcessor(width, height);
        ip.setColor(255);
        double meanAngle = 2 * Math.PI / 5;
        double angleRange = 2 * Math.PI / 12;
        double averageRadius = Math.sqrt(width * width + height * height) / 8;
        int strokes = 1 + random.nextInt(3);
        for (int s = 0; s < strokes; s++) {
            int vertices = 8 + random.nextInt(20);
            double angleMin = meanAngle - random.nextDouble() * angleRange;
            double angleMax = meanAngle + random.nextDouble() * angleRange;
            int strokeWidth = (int) (30 + random.nextDouble() * 40);
            double x = random.nextInt(width);
            double y = random.nextInt(height);
            ip.setLineWidth(strokeWidth);
            disc(ip, x, y, strokeWidth);
            for (int v = 0; v < vertices; v++) {
                double angle = angleMin + random.nextDouble() * (angleMax - angleMin);
                if (v % 2 == 0) {
                    angle = 2 * Math.PI - angle;
                }
                double r = Math.clamp(averageRadius + random.nextGaussian() * Math.floor(averageRadius / 2), 0, 2 * averageRadius);
                double nx = Math.clamp(x + r * Math.cos(angle), 0, width - 1);
                double ny = Math.clamp(y + r * Math.sin(angle), 0, height - 1);
                ip.drawLine((int) x, (int) y, (int) nx, (int) ny);
                disc(ip, nx, ny, strokeWidth);
                x = nx;
                y = ny;
            }
        }
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            Tensor m = Tensor.fromPixels(ip.getPixels(), width, height).to(DType.FLOAT32).div(255);
            return scope.keep(m.reshape(1, height, width));
        }
    }

    private static void disc(ByteProcessor ip, double x, double y, int diameter) {
        int r = diameter / 2;
        ip.fillOval((int) x - r, (int) y - r, 2 * r, 2 * r);
    }

    /** Frames [T, 3, H, W] in [0, 1] with the mask painted white on every frame. */
    public static Tensor paint(Tensor frames, Tensor mask) {
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            return scope.keep(frames.mul(mask.rsub(1)).add(mask));
        }
    }
}
