package org.dicface.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import ij.ImagePlus;
import org.dicface.face.Box;
import org.dicface.face.FaceTracks;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.TracksJson;
import org.dicface.video.ClipFiles;

/**
 * A before/after picture for the eye: {@code BeforeAfter OUT.png|.jpg --frames 0,5,9 [--tracks tracks.json]
 * [--width PX] LABEL=CLIP ...}. Each chosen frame is a row with one column per clip (same frame of each, scaled
 * to fit the width; small frames are enlarged). With tracks, the tracks are drawn on the second column (the
 * input) and each frame's row is followed by a row of close-ups: every face of that frame, cut from each clip.
 */
public final class BeforeAfter {
    private static final int LABEL = 22;
    private static final int GAP = 4;
    private static final Color[] COLOURS = {Color.YELLOW, Color.CYAN, Color.MAGENTA, Color.GREEN};

    private BeforeAfter() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args[0]);
        int[] frames = {0};
        FaceTracks tracks = null;
        int width = 1500;
        List<String> labels = new ArrayList<>();
        List<ImagePlus> clips = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--frames" -> frames = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--tracks" -> tracks = TracksJson.read(Path.of(args[++i]));
                case "--width" -> width = Integer.parseInt(args[++i]);
                default -> {
                    int eq = args[i].indexOf('=');
                    labels.add(args[i].substring(0, eq));
                    clips.add(ClipFiles.open(Path.of(args[i].substring(eq + 1)), true));
                }
            }
        }
        List<BufferedImage> rows = new ArrayList<>();
        for (int f : frames) {
            List<BufferedImage> full = new ArrayList<>();
            for (ImagePlus clip : clips) {
                full.add(frame(clip, f));
            }
            if (tracks != null && full.size() > 1) {
                drawTracks(full.get(1), tracks, f);
            }
            rows.add(row(full, labels, f, width));
            if (tracks != null) {
                List<BufferedImage> close = new ArrayList<>();
                for (ImagePlus clip : clips) {
                    close.add(closeUps(frame(clip, f), tracks, f));
                }
                rows.add(row(close, labels, f, width));
            }
        }
        BufferedImage sheet = stack(rows);
        String format = out.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? "png" : "jpg";
        if (!ImageIO.write(sheet, format, out.toFile())) {
            throw new IOException("no image writer for " + format);
        }
        System.out.println("wrote " + out + ": " + sheet.getWidth() + "x" + sheet.getHeight());
    }

    private static BufferedImage frame(ImagePlus clip, int f) {
        BufferedImage src = clip.getStack().getProcessor(f + 1).convertToColorProcessor().getBufferedImage();
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(src, 0, 0, null);
        return rgb;
    }

    private static void drawTracks(BufferedImage img, FaceTracks tracks, int f) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        float line = Math.max(2, img.getWidth() / 400f);
        g.setStroke(new BasicStroke(line));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(line * 10)));
        for (Track t : tracks.tracks()) {
            if (!t.covers(f)) {
                continue;
            }
            TrackedFace face = t.at(f);
            g.setColor(COLOURS[(t.id() - 1) % COLOURS.length]);
            Box b = face.box();
            g.drawRect((int) Math.round(b.x() + 0.5), (int) Math.round(b.y() + 0.5), (int) Math.round(b.width()), (int) Math.round(b.height()));
            g.drawString("face " + t.id(), (float) b.x(), (float) b.y() - line * 2);
            for (int i = 0; i < face.landmarks5().count(); i++) {
                double r = line * 1.5;
                g.fill(new java.awt.geom.Ellipse2D.Double(face.landmarks5().x(i) + 0.5 - r, face.landmarks5().y(i) + 0.5 - r, 2 * r, 2 * r));
            }
        }
        g.dispose();
    }

    /** Every face of frame f: its box widened by half, side by side at a common height. */
    private static BufferedImage closeUps(BufferedImage img, FaceTracks tracks, int f) {
        List<BufferedImage> faces = new ArrayList<>();
        for (Track t : tracks.tracks()) {
            if (!t.covers(f)) {
                continue;
            }
            TrackedFace face = t.at(f);
            Box b = face.box();
            double side = 1.5 * Math.max(b.width(), b.height());
            int x0 = (int) Math.max(0, Math.round(b.x() + b.width() / 2 - side / 2));
            int y0 = (int) Math.max(0, Math.round(b.y() + b.height() / 2 - side / 2));
            int x1 = (int) Math.min(img.getWidth(), x0 + Math.round(side));
            int y1 = (int) Math.min(img.getHeight(), y0 + Math.round(side));
            faces.add(img.getSubimage(x0, y0, x1 - x0, y1 - y0));
        }
        if (faces.isEmpty()) {
            return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        }
        int h = faces.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        List<BufferedImage> scaled = faces.stream().map(i -> scale(i, (double) h / i.getHeight())).toList();
        BufferedImage out = new BufferedImage(scaled.stream().mapToInt(i -> i.getWidth() + GAP).sum() - GAP, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), h);
        int x = 0;
        for (BufferedImage i : scaled) {
            g.drawImage(i, x, 0, null);
            x += i.getWidth() + GAP;
        }
        g.dispose();
        return out;
    }

    private static BufferedImage scale(BufferedImage img, double s) {
        int w = Math.max(1, (int) Math.round(img.getWidth() * s));
        int h = Math.max(1, (int) Math.round(img.getHeight() * s));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** The images side by side, each scaled to an equal share of the width, with its label above. */
    private static BufferedImage row(List<BufferedImage> images, List<String> labels, int frame, int width) {
        int n = images.size();
        int cell = (width - GAP * (n - 1)) / n;
        List<BufferedImage> scaled = images.stream().map(i -> scale(i, (double) cell / i.getWidth())).toList();
        int h = scaled.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage out = new BufferedImage(width, h + LABEL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, h + LABEL);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        for (int i = 0; i < n; i++) {
            int x = i * (cell + GAP);
            g.drawString(labels.get(i) + ", frame " + (frame + 1), x + 2, LABEL - 6);
            g.drawImage(scaled.get(i), x, LABEL, null);
        }
        g.dispose();
        return out;
    }

    private static BufferedImage stack(List<BufferedImage> rows) {
        int w = rows.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int h = rows.stream().mapToInt(r -> r.getHeight() + GAP).sum();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage r : rows) {
            g.drawImage(r, 0, y, null);
            y += r.getHeight() + GAP;
        }
        g.dispose();
        return out;
    }
}
