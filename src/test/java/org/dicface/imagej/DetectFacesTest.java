package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
}
