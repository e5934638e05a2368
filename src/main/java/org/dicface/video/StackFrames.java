package org.dicface.video;

import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * ImageJ images to the network's frames and back. A frame is RGB float32 [3, H, W] in [-1, 1]
 * ((x/255 - 0.5)/0.5, as the official code). Gray images give three equal channels; 16- and 32-bit images
 * are scaled by a display range (min to -1, max to 1), so the same range must be used for every frame.
 * Output frames become 8-bit RGB: clamped to [-1, 1], (x+1)/2 x 255, rounded (the official conversion).
 */
public final class StackFrames {
    private StackFrames() {
    }

    /** One image as a frame; {@code min}/{@code max} map 16- and 32-bit values (ignored for 8-bit and RGB). */
    public static Tensor toFrame(ImageProcessor ip, double min, double max) {
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            return scope.keep(toUnit(ip, min, max).mul(2).sub(1));
        }
    }

    /**
     * One image as RGB [3, H, W] in [0, 1] (8-bit values / 255), the range the training degradations work in;
     * {@link #toFrame} is this mapped to [-1, 1].
     */
    public static Tensor toUnit(ImageProcessor ip, double min, double max) {
        int w = ip.getWidth();
        int h = ip.getHeight();
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            Tensor raw = Tensor.fromPixels(ip.getPixels(), w, h).to(DType.FLOAT32);
            Tensor unit = switch (ip.getBitDepth()) {
                case 8, 24 -> raw.div(255);
                case 16, 32 -> {
                    if (!(max > min)) {
                        throw new IllegalArgumentException("display range [" + min + ", " + max + "] is empty: set one "
                                + "(Image > Adjust > Brightness/Contrast) before restoring a " + ip.getBitDepth() + "-bit image");
                    }
                    yield raw.sub(min).div(max - min).clamp(0, 1);
                }
                default -> throw new IllegalArgumentException("unsupported bit depth " + ip.getBitDepth());
            };
            return scope.keep(unit.dim() == 2 ? unit.unsqueeze(0).expand(3, h, w).contiguous() : unit);
        }
    }

    /**
     * What converting an image to the network's frames does to it that the user should know, or null: 16- and
     * 32-bit images are scaled from their display range, and the output is 8-bit RGB.
     */
    public static String depthNote(ij.ImagePlus image) {
        int depth = image.getBitDepth();
        if (depth != 16 && depth != 32) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "%d-bit input: its display range [%s, %s] was mapped to 0-255 and the "
                + "output is 8-bit RGB", depth, trim(image.getDisplayRangeMin()), trim(image.getDisplayRangeMax()));
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A frame [3, H, W] in [-1, 1] as an 8-bit RGB image. */
    public static ColorProcessor toRgb(Tensor frame) {
        long[] s = frame.shape();
        if (s.length != 3 || s[0] != 3) {
            throw new IllegalArgumentException("an RGB frame is [3, H, W], got " + java.util.Arrays.toString(s));
        }
        int h = (int) s[1];
        int w = (int) s[2];
        byte[] bytes;
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            bytes = frame.to(Device.CPU, DType.FLOAT32).clamp(-1, 1).add(1).mul(127.5).round().to(DType.UINT8).toBytes();
        }
        int n = w * h;
        int[] pixels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = 0xff000000 | (bytes[i] & 0xff) << 16 | (bytes[n + i] & 0xff) << 8 | (bytes[2 * n + i] & 0xff);
        }
        return new ColorProcessor(w, h, pixels);
    }

    /** A [1, H, W] map as a 32-bit image. */
    public static ij.process.FloatProcessor toFloat(Tensor map) {
        long[] s = map.shape();
        return new ij.process.FloatProcessor((int) s[s.length - 1], (int) s[s.length - 2], map.toFloatArray());
    }
}
