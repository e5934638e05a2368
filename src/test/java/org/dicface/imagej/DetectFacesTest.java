package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import org.dicface.face.FaceTracks;
import org.dicface.face.Track;
import org.dicface.face.TracksJson;
import org.dicface.face.scenes.Scene;
import org.dicface.face.scenes.Scenes;
import org.junit.jupiter.api.Test;
import org.scijava.command.CommandModule;

/** Detect Faces draws every tracked face on its own frame and writes the same tracks the command line does. */
class DetectFacesTest extends CommandHarness {
    @Test
    void theTracksAreDrawnFrameByFrameAndWritten() throws Exception {
        Scene scene = Scenes.twoFacesCrossing(Scenes.Options.DEFAULT.withSize(320, 240).withFrames(16));
        ImageStack stack = new ImageStack(scene.width(), scene.height());
        for (int i = 0; i < scene.frameCount(); i++) {
            stack.addSlice(scene.image(i));
        }
        ImagePlus clip = new ImagePlus("scene", stack);
        clip.setDimensions(1, 1, scene.frameCount());
        int[] before = ((int[]) clip.getStack().getProcessor(3).getPixels()).clone();
        Path file = home.resolve("tracks.json");
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("image", clip);
        inputs.put("faces", "all");
        inputs.put("min_face", 24.0);
        inputs.put("device", "cpu");
        inputs.put("tracks_file", file.toString());
        CommandModule m = commands.run(DetectFaces.class, true, inputs).get();
        assertNull(m.getCancelReason());
        FaceTracks tracks = TracksJson.read(file);
        assertTrue(tracks.tracks().size() >= 1, tracks.frames() + " frames, " + tracks.shots() + " shots, no tracks");
        Overlay overlay = clip.getOverlay();
        assertNotNull(overlay);
        int faces = tracks.tracks().stream().mapToInt(t -> t.frames().size()).sum();
        assertEquals(3 * faces, overlay.size(), "a box, an id and the points per face and frame");
        Track first = tracks.tracks().getFirst();
        Roi box = overlay.get(0);
        assertEquals(first.firstFrame() + 1, box.getTPosition(), "drawn on its own frame");
        assertEquals(first.frames().getFirst().box().x() + 0.5, box.getXBase(), 1e-3, "tracks.json keeps 0.001 px");
        PointRoi points = (PointRoi) overlay.get(2);
        assertEquals(5, points.getNCoordinates());
        assertEquals(first.frames().getFirst().landmarks5().x(0) + 0.5, points.getFloatPolygon().xpoints[0], 1e-3);
        assertTrue(java.util.Arrays.equals(before, (int[]) clip.getStack().getProcessor(3).getPixels()), "pixels unchanged");
    }

    /**
     * Restore Faces on an ordinary clip: every face found is restored in place, at the clip's size, the same with
     * the tracks Detect Faces saved as when it finds them itself; far from every face the pixels are the input's.
     */
    @Test
    void restoreFacesFindsTheFacesAndRestoresThemInPlace() throws Exception {
        Scene scene = Scenes.twoFacesCrossing(Scenes.Options.DEFAULT.withSize(320, 240).withFrames(12));
        ImagePlus clip = scene.stack();
        Path file = home.resolve("restore-tracks.json");
        CommandModule detect = commands.run(DetectFaces.class, true, Map.of("image", clip, "faces", "all", "min_face", 24.0,
                "device", "cpu", "tracks_file", file.toString())).get();
        assertNull(detect.getCancelReason());
        FaceTracks tracks = TracksJson.read(file);
        assertEquals(2, tracks.tracks().size(), "two people: " + tracks.tracks());
        CommandModule found = run(RestoreFaces.class, "image", clip, "faces", "all");
        assertNull(found.getCancelReason(), found.getCancelReason());
        CommandModule given = run(RestoreFaces.class, "image", clip, "faces", "all", "tracks_file", file.toString());
        assertNull(given.getCancelReason(), given.getCancelReason());
        ImagePlus a = (ImagePlus) found.getOutput("result");
        ImagePlus b = (ImagePlus) given.getOutput("result");
        assertEquals(List.of(320, 240, 12), List.of(a.getWidth(), a.getHeight(), a.getStackSize()));
        for (int f = 0; f < scene.frameCount(); f++) {
            int[] in = (int[]) clip.getStack().getProcessor(f + 1).getPixels();
            int[] outA = (int[]) a.getStack().getProcessor(f + 1).convertToRGB().getPixels();
            int[] outB = (int[]) b.getStack().getProcessor(f + 1).convertToRGB().getPixels();
            // tracks.json keeps 0.001 px: the same faces, warped a thousandth of a pixel apart
            int worst = 0;
            long sum = 0;
            for (int i = 0; i < outA.length; i++) {
                for (int shift = 0; shift < 24; shift += 8) {
                    int d = Math.abs((outA[i] >> shift & 0xff) - (outB[i] >> shift & 0xff));
                    worst = Math.max(worst, d);
                    sum += d;
                }
            }
            double mean = sum / (3.0 * outA.length);
            assertTrue(worst <= 8 && mean < 0.05, "frame " + f + ": saved tracks restore as found ones, up to " + worst
                    + " levels apart, " + mean + " on average");
            int changedInside = 0;
            for (int y = 0; y < 240; y++) {
                for (int x = 0; x < 320; x++) {
                    double near = nearestFace(tracks, f, x, y);
                    if (near > 2) {
                        assertEquals(in[y * 320 + x] & 0xffffff, outA[y * 320 + x] & 0xffffff, "frame " + f + " (" + x + ", " + y + ") is far from every face");
                    } else if (near < 0.3 && ((in[y * 320 + x] ^ outA[y * 320 + x]) & 0xffffff) != 0) {
                        changedInside++;
                    }
                }
            }
            assertTrue(changedInside > 100, "frame " + f + ": only " + changedInside + " face pixels restored");
        }
    }

    /** The distance of (x, y) from the nearest face centre of frame f, in face sizes (box widths); infinite if none. */
    private static double nearestFace(FaceTracks tracks, int f, int x, int y) {
        double best = Double.POSITIVE_INFINITY;
        for (Track t : tracks.tracks()) {
            if (t.covers(f)) {
                var face = t.at(f);
                best = Math.min(best, Math.hypot(x - face.box().centerX(), y - face.box().centerY()) / face.box().width());
            }
        }
        return best;
    }
}
