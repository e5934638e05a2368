package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Path;

import org.dicface.face.scenes.SceneVideo;
import org.dicface.face.scenes.Scenes;

/**
 * The in-the-wild demonstration clip: {@code MakeWildClip OUTPUT.mp4 [FRAMES [WIDTH HEIGHT]]} writes the test
 * scene of two real faces crossing over a real background (default 48 frames of 1280 x 720, 25 frames a
 * second, with a tone as its sound) as an ordinary H.264 video.
 */
public final class MakeWildClip {
    private MakeWildClip() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args[0]);
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        int width = args.length > 3 ? Integer.parseInt(args[2]) : 1280;
        int height = args.length > 3 ? Integer.parseInt(args[3]) : 720;
        Scenes.Options o = Scenes.Options.DEFAULT.withSize(width, height).withFrames(frames);
        SceneVideo.write(Scenes.twoFacesCrossing(o), out, 25);
        System.out.println("wrote " + out + ": " + frames + " frames of " + width + "x" + height + ", two faces crossing");
    }
}
