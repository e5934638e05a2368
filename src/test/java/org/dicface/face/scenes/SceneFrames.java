package org.dicface.face.scenes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Writes a few frames of the test scenes as binary PPM, with their ground truth as JSON (truth.json: for each
 * frame, each face's identity, visible fraction, box and 68 points), for scripts/scene-check to run face-api on.
 * Usage: SceneFrames OUT_DIR
 */
public final class SceneFrames {
    private SceneFrames() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Scenes.Options o = Scenes.Options.DEFAULT;
        record Pick(Function<Scenes.Options, Scene> scene, Scenes.Options options, int frame) {
        }
        Pick[] picks = {new Pick(Scenes::twoFacesCrossing, o, 0), new Pick(Scenes::twoFacesCrossing, o, o.frames() / 2),
            new Pick(Scenes::moving, o, 10), new Pick(Scenes::moving, o, 45), new Pick(Scenes::distractor, o, 5),
            new Pick(Scenes::catDistractor, o, 5), new Pick(Scenes::moving, o.withSize(1920, 1080), 30)};
        StringBuilder json = new StringBuilder("{\n");
        for (Pick p : picks) {
            Scene s = p.scene().apply(p.options());
            String name = s.name() + "-" + s.width() + "x" + s.height() + "-" + p.frame();
            int[] px = (int[]) s.image(p.frame()).getPixels();
            byte[] rgb = new byte[3 * px.length];
            for (int i = 0; i < px.length; i++) {
                rgb[3 * i] = (byte) (px[i] >> 16);
                rgb[3 * i + 1] = (byte) (px[i] >> 8);
                rgb[3 * i + 2] = (byte) px[i];
            }
            try (OutputStream os = Files.newOutputStream(dir.resolve(name + ".ppm"))) {
                os.write(("P6\n" + s.width() + " " + s.height() + "\n255\n").getBytes(StandardCharsets.US_ASCII));
                os.write(rgb);
            }
            json.append(json.length() > 2 ? ",\n" : "").append(" \"").append(name).append("\": [");
            String sep = "";
            for (FaceTruth t : s.truth(p.frame()).faces()) {
                json.append(sep).append(String.format(Locale.ROOT, "{\"identity\": \"%s\", \"visible\": %.3f, \"box\": [%.3f, %.3f, %.3f, %.3f], \"xy\": [",
                        t.identity(), t.visibleFraction(), t.box().x(), t.box().y(), t.box().width(), t.box().height()));
                double[] xy = t.landmarks().xy();
                for (int i = 0; i < xy.length; i++) {
                    json.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.3f", xy[i]));
                }
                json.append("]}");
                sep = ", ";
            }
            json.append(']');
        }
        Files.writeString(dir.resolve("truth.json"), json.append("\n}\n"));
    }
}
