package org.dicface.face.scenes;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.dicface.face.Box;
import org.dicface.face.Landmarks;
import org.dicface.face.Similarity;

/**
 * Pictures of scenes for the eye: a row of frames with the ground truth drawn on them (face-api's box on the
 * still under the frame's transform, the 68 points, the identity; red when the face counts as hidden; distractor
 * boxes in yellow). {@code main} writes one sheet a scene to a folder (default target/scenes).
 */
public final class ContactSheet {
    private static final Color[] COLOURS = {Color.GREEN, Color.CYAN, Color.MAGENTA, Color.ORANGE};

    private ContactSheet() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args.length > 0 ? args[0] : "target/scenes");
        Files.createDirectories(dir);
        writeStills(dir.resolve("stills.png"), 2);
        System.out.println(dir.resolve("stills.png"));
        for (Scene scene : Scenes.all(Scenes.Options.DEFAULT)) {
            int n = scene.frameCount();
            int[] frames = {0, n / 4, 3 * n / 8, n / 2, 5 * n / 8, 3 * n / 4, n - 1};
            Path file = dir.resolve(scene.name() + ".png");
            write(scene, frames, 320, file);
            System.out.println(file);
        }
    }

    /** Every face still side by side at {@code zoom} times its size, with face-api's box and 68 points on it. */
    public static void writeStills(Path png, int zoom) throws IOException {
        List<Sprite> faces = Scenes.PEOPLE.stream().map(Sprite::face).toList();
        int w = faces.stream().mapToInt(f -> zoom * f.width() + 4).sum();
        int h = faces.stream().mapToInt(f -> zoom * f.height()).max().orElseThrow();
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int left = 0;
        for (Sprite f : faces) {
            Scene still = new Scene(f.name(), f.width(), f.height(), List.of(new Shot(0, 1, f, i -> Similarity.IDENTITY, List.of())));
            int[] px = (int[]) still.image(0).getPixels();
            BufferedImage image = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, f.width(), f.height(), px, 0, f.width());
            g.drawImage(image, left, 0, zoom * f.width(), zoom * f.height(), null);
            g.setColor(Color.GREEN);
            Box b = f.box();
            g.draw(new Rectangle2D.Double(left + (b.x() + 0.5) * zoom, (b.y() + 0.5) * zoom, b.width() * zoom, b.height() * zoom));
            Landmarks l = f.landmarks();
            for (int p = 0; p < l.count(); p++) {
                g.fill(new Ellipse2D.Double(left + (l.x(p) + 0.5) * zoom - 1.5, (l.y(p) + 0.5) * zoom - 1.5, 3, 3));
            }
            left += zoom * f.width() + 4;
        }
        g.dispose();
        ImageIO.write(sheet, "png", png.toFile());
    }

    /** Writes {@code frames} of {@code scene} side by side, each {@code tileWidth} pixels wide, as a PNG. */
    public static void write(Scene scene, int[] frames, int tileWidth, Path png) throws IOException {
        double s = (double) tileWidth / scene.width();
        int tileHeight = (int) Math.round(scene.height() * s);
        BufferedImage sheet = new BufferedImage(frames.length * (tileWidth + 4), tileHeight + 18, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int k = 0; k < frames.length; k++) {
            int f = frames[k];
            int[] px = (int[]) scene.image(f).getPixels();
            BufferedImage frame = new BufferedImage(scene.width(), scene.height(), BufferedImage.TYPE_INT_RGB);
            frame.setRGB(0, 0, scene.width(), scene.height(), px, 0, scene.width());
            AffineTransform saved = g.getTransform();
            g.translate(k * (tileWidth + 4), 0);
            g.drawImage(frame, 0, 0, tileWidth, tileHeight, null);
            FrameTruth truth = scene.truth(f);
            for (FaceTruth face : truth.faces()) {
                Color c = face.visible() ? COLOURS[Math.floorMod(face.identity().hashCode(), COLOURS.length)] : Color.RED;
                g.setColor(c);
                g.setStroke(new BasicStroke(1.2f));
                Box b = face.box();
                g.draw(new Rectangle2D.Double((b.x() + 0.5) * s, (b.y() + 0.5) * s, b.width() * s, b.height() * s));
                Landmarks l = face.landmarks();
                for (int p = 0; p < l.count(); p++) {
                    g.fill(new Ellipse2D.Double((l.x(p) + 0.5) * s - 1.2, (l.y(p) + 0.5) * s - 1.2, 2.4, 2.4));
                }
                g.drawString(face.identity() + String.format(" %.0f%%", 100 * face.visibleFraction()), (float) ((b.x() + 0.5) * s),
                        (float) Math.max(10, (b.y() + 0.5) * s - 3));
            }
            g.setColor(Color.YELLOW);
            for (Box b : truth.distractors()) {
                g.draw(new Rectangle2D.Double((b.x() + 0.5) * s, (b.y() + 0.5) * s, b.width() * s, b.height() * s));
            }
            g.setColor(Color.WHITE);
            g.drawString(scene.name() + " frame " + f + " shot " + truth.shot(), 2, tileHeight + 13);
            g.setTransform(saved);
        }
        g.dispose();
        ImageIO.write(sheet, "png", png.toFile());
    }
}
