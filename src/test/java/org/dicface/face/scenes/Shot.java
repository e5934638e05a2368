package org.dicface.face.scenes;

import java.util.List;
import java.util.function.IntFunction;

import org.dicface.face.Similarity;

/**
 * Frames {@code [first, end)} of a scene: a background photo (placed by {@code backgroundMotion}, which must
 * cover the frame) and layers drawn over it, back to front.
 */
public record Shot(int first, int end, Sprite background, IntFunction<Similarity> backgroundMotion, List<Layer> layers) {
    public Shot {
        if (first < 0 || end <= first) {
            throw new IllegalArgumentException("a shot needs frames, got [" + first + ", " + end + ")");
        }
        layers = List.copyOf(layers);
    }

    /**
     * The background scaled to cover a {@code width}x{@code height} frame with a margin of {@code pan} (a fraction
     * of the frame), panning across that margin from left to right over the shot (centred vertically).
     */
    public static IntFunction<Similarity> panning(Sprite background, int width, int height, int first, int end, double pan) {
        double s = Math.max((double) width / background.width(), (double) height / background.height()) * (1 + Math.abs(pan));
        double spareX = background.width() - width / s;  // background pixels left over beside the frame
        double v0 = (background.height() - height / s) / 2;
        return frame -> {
            double t = end - first > 1 ? (double) (frame - first) / (end - first - 1) : 0;
            double u0 = spareX * (pan >= 0 ? t : 1 - t);
            // background pixel centre u maps to frame pixel centre s (u + 0.5) - 0.5 - s u0
            return new Similarity(s, 0, s * (0.5 - u0) - 0.5, s * (0.5 - v0) - 0.5);
        };
    }
}
