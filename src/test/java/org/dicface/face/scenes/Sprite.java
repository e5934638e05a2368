package org.dicface.face.scenes;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.imageio.ImageIO;

import org.dicface.face.Box;
import org.dicface.face.Landmarks;

/**
 * A picture drawn into the scenes: RGB in [0, 1] with an alpha in [0, 1], row-major; a face also carries
 * face-api's box and 68 landmarks on it (testdata/scenes/landmarks.json), in its own pixel-centre coordinates.
 */
public final class Sprite {
    public static final Path DIR = Path.of(System.getProperty("dicface.scenes", "testdata/scenes"));
    /** The width of the feathered rim of the elliptical alpha, as a fraction of the ellipse's radius. */
    static final double FEATHER = 0.15;
    private static final Map<String, Sprite> LOADED = new ConcurrentHashMap<>();

    private final String name;
    private final int width;
    private final int height;
    private final float[] rgb;
    private final float[] alpha;
    private final Box box;
    private final Landmarks landmarks;

    /** @param rgb 3 values a pixel, row-major, in [0, 1]; {@code box} and {@code landmarks} null but for faces */
    public Sprite(String name, int width, int height, float[] rgb, float[] alpha, Box box, Landmarks landmarks) {
        if (rgb.length != 3 * width * height || alpha.length != width * height) {
            throw new IllegalArgumentException(name + ": " + rgb.length + " colour and " + alpha.length + " alpha values for "
                    + width + "x" + height);
        }
        if ((box == null) != (landmarks == null) || (landmarks != null && landmarks.count() != Landmarks.FULL)) {
            throw new IllegalArgumentException(name + ": a face needs a box and 68 landmarks");
        }
        this.name = name;
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.alpha = alpha;
        this.box = box;
        this.landmarks = landmarks;
    }

    /** A face of testdata/scenes ({@code face-NAME.jpg}) with its elliptical alpha and face-api's points. */
    public static Sprite face(String name) {
        return LOADED.computeIfAbsent("face-" + name, key -> {
            BufferedImage image = read(key + ".jpg");
            StillLandmarks.Face face = StillLandmarks.face(key);
            return new Sprite(name, image.getWidth(), image.getHeight(), rgb(image),
                    ellipse(image.getWidth(), image.getHeight()), face.box(), face.landmarks());
        });
    }

    /** A non-face object of testdata/scenes ({@code distractor-NAME.jpg}) with its elliptical alpha. */
    public static Sprite distractor(String name) {
        return LOADED.computeIfAbsent("distractor-" + name, key -> {
            BufferedImage image = read(key + ".jpg");
            return new Sprite(name, image.getWidth(), image.getHeight(), rgb(image), ellipse(image.getWidth(), image.getHeight()),
                    null, null);
        });
    }

    /** A background photo of testdata/scenes ({@code background-NAME.jpg}), opaque. */
    public static Sprite background(String name) {
        return LOADED.computeIfAbsent("background-" + name, key -> {
            BufferedImage image = read(key + ".jpg");
            float[] alpha = new float[image.getWidth() * image.getHeight()];
            Arrays.fill(alpha, 1);
            return new Sprite(name, image.getWidth(), image.getHeight(), rgb(image), alpha, null, null);
        });
    }

    /** An opaque rectangle cut out of this picture (an occluder). */
    public Sprite crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException(w + "x" + h + " at " + x + "," + y + " is not inside " + name);
        }
        float[] c = new float[3 * w * h];
        for (int j = 0; j < h; j++) {
            System.arraycopy(rgb, 3 * ((y + j) * width + x), c, 3 * j * w, 3 * w);
        }
        float[] a = new float[w * h];
        Arrays.fill(a, 1);
        return new Sprite(name + "-crop", w, h, c, a, null, null);
    }

    /** An alpha that is 1 inside the ellipse inscribed in the picture and falls smoothly to 0 at its edge. */
    static float[] ellipse(int w, int h) {
        float[] a = new float[w * h];
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double r = Math.hypot((x - cx) / (w / 2.0), (y - cy) / (h / 2.0));
                double t = Math.clamp((1 - r) / FEATHER, 0, 1);
                a[y * w + x] = (float) (t * t * (3 - 2 * t));
            }
        }
        return a;
    }

    private static BufferedImage read(String file) {
        Path p = DIR.resolve(file);
        try {
            if (!Files.isRegularFile(p)) {
                throw new IOException("scene still " + p.toAbsolutePath() + " is missing (it belongs to the repository)");
            }
            BufferedImage image = ImageIO.read(p.toFile());
            if (image == null) {
                throw new IOException(p + " is not an image ImageIO can read");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[3 * w * h];
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < px.length; i++) {
            out[3 * i] = ((px[i] >> 16) & 0xff) / 255f;
            out[3 * i + 1] = ((px[i] >> 8) & 0xff) / 255f;
            out[3 * i + 2] = (px[i] & 0xff) / 255f;
        }
        return out;
    }

    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean isFace() {
        return landmarks != null;
    }

    /** face-api's box on the still; null for a non-face. */
    public Box box() {
        return box;
    }

    /** face-api's 68 points on the still; null for a non-face. */
    public Landmarks landmarks() {
        return landmarks;
    }

    /** The alpha at pixel (x, y), 0 outside. */
    public float alphaAt(int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height ? 0 : alpha[y * width + x];
    }

    /** The alpha at (u, v), bilinear (0 outside the picture). */
    public double alpha(double u, double v) {
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        double fx = u - x0;
        double fy = v - y0;
        return (1 - fy) * ((1 - fx) * alphaAt(x0, y0) + fx * alphaAt(x0 + 1, y0))
                + fy * ((1 - fx) * alphaAt(x0, y0 + 1) + fx * alphaAt(x0 + 1, y0 + 1));
    }

    /**
     * Bilinear sample at (u, v) into {@code out} (r, g, b, alpha): the colour clamped at the picture's edge,
     * the alpha 0 beyond it.
     */
    void sample(double u, double v, float[] out) {
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        float fx = (float) (u - x0);
        float fy = (float) (v - y0);
        sampleRgb(x0, y0, fx, fy, out);
        out[3] = (1 - fx) * (1 - fy) * alphaAt(x0, y0) + fx * (1 - fy) * alphaAt(x0 + 1, y0)
                + (1 - fx) * fy * alphaAt(x0, y0 + 1) + fx * fy * alphaAt(x0 + 1, y0 + 1);
    }

    /** The colour between pixels (x0, y0) and (x0 + 1, y0 + 1) at fractions (fx, fy), clamped at the edge. */
    void sampleRgb(int x0, int y0, float fx, float fy, float[] out) {
        int xa = Math.clamp(x0, 0, width - 1);
        int xb = Math.clamp(x0 + 1, 0, width - 1);
        int ya = Math.clamp(y0, 0, height - 1);
        int yb = Math.clamp(y0 + 1, 0, height - 1);
        float w00 = (1 - fx) * (1 - fy);
        float w10 = fx * (1 - fy);
        float w01 = (1 - fx) * fy;
        float w11 = fx * fy;
        int p00 = 3 * (ya * width + xa);
        int p10 = 3 * (ya * width + xb);
        int p01 = 3 * (yb * width + xa);
        int p11 = 3 * (yb * width + xb);
        for (int c = 0; c < 3; c++) {
            out[c] = w00 * rgb[p00 + c] + w10 * rgb[p10 + c] + w01 * rgb[p01 + c] + w11 * rgb[p11 + c];
        }
    }

    @Override
    public String toString() {
        return name + " " + width + "x" + height;
    }
}
