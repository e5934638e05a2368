package org.dicface.face.scenes;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Cuts the scene data from the source photos (scripts/make-scene-data fetches them): each face and
 * distractor a rectangular patch scaled to {@link #SPRITE_HEIGHT} rows, each background reduced to fit
 * 640x480, all as JPEG; and each face and distractor, as decoded from its JPEG, also as a binary PPM for the
 * landmark script.
 * Usage: MakeSceneData SOURCE_DIR OUT_DIR PPM_DIR
 */
public final class MakeSceneData {
    static final int SPRITE_HEIGHT = 200;

    /** name, source file, left, top, width, height of the patch in the source (picked by eye). */
    private static final String[] SPRITES = {
        "face-astronaut astronaut.png 100 0 250 300",
        "face-sample6-2 sample6.jpg 540 240 420 504",
        "face-sample6-4 sample6.jpg 1410 165 420 504",
        "face-sample6-1 sample6.jpg 150 330 420 504",
        "distractor-cat chelsea.png 20 0 411 300",
        "distractor-cup coffee.png 165 10 255 300",
    };
    private static final String[] BACKGROUNDS = {"background-rocket rocket.jpg", "background-coffee coffee.png"};

    private MakeSceneData() {
    }

    public static void main(String[] args) throws IOException {
        Path src = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path ppm = Path.of(args[2]);
        Files.createDirectories(out);
        Files.createDirectories(ppm);
        for (String line : SPRITES) {
            String[] f = line.split(" ");
            BufferedImage photo = ImageIO.read(src.resolve(f[1]).toFile());
            int x = Integer.parseInt(f[2]);
            int y = Integer.parseInt(f[3]);
            int w = Integer.parseInt(f[4]);
            int h = Integer.parseInt(f[5]);
            BufferedImage patch = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {  // outside the photo: its nearest edge pixel
                    int sx = Math.clamp(x + i, 0, photo.getWidth() - 1);
                    int sy = Math.clamp(y + j, 0, photo.getHeight() - 1);
                    patch.setRGB(i, j, photo.getRGB(sx, sy));
                }
            }
            BufferedImage sprite = scaled(patch, (int) Math.round((double) w * SPRITE_HEIGHT / h), SPRITE_HEIGHT);
            jpeg(sprite, out.resolve(f[0] + ".jpg"), 0.92f);
            ppm(ImageIO.read(out.resolve(f[0] + ".jpg").toFile()), ppm.resolve(f[0] + ".ppm"));
        }
        for (String line : BACKGROUNDS) {
            String[] f = line.split(" ");
            BufferedImage photo = ImageIO.read(src.resolve(f[1]).toFile());
            double s = Math.min(1, Math.min(640.0 / photo.getWidth(), 480.0 / photo.getHeight()));
            BufferedImage rgb = scaled(photo, (int) Math.round(photo.getWidth() * s), (int) Math.round(photo.getHeight() * s));
            jpeg(rgb, out.resolve(f[0] + ".jpg"), 0.85f);
        }
    }

    /** Area-averaged reduction (no aliasing), as an RGB image. */
    private static BufferedImage scaled(BufferedImage in, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Image s = w == in.getWidth() && h == in.getHeight() ? in : in.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING);
        out.createGraphics().drawImage(s, 0, 0, null);
        return out;
    }

    private static void jpeg(BufferedImage image, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream os = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(os);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** The decoded JPEG (what the scenes draw), as binary PPM. */
    private static void ppm(BufferedImage image, Path file) throws IOException {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] px = new byte[w * h * 3];
        for (int y = 0, k = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = image.getRGB(x, y);
                px[k++] = (byte) (c >> 16);
                px[k++] = (byte) (c >> 8);
                px[k++] = (byte) c;
            }
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(("P6\n" + w + " " + h + "\n255\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            os.write(px);
        }
    }
}
