package org.dicface.imagej;

import java.awt.Color;
import java.util.Locale;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.gui.TextRoi;
import org.dicface.face.FaceTracks;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.TracksJson;
import org.dicface.pipeline.FaceAnalysis;
import org.dicface.pipeline.Faces;
import org.dicface.pipeline.RunOptions;
import org.dicface.torch.Device;
import org.dicface.torch.Torch;
import org.dicface.video.StackSource;
import org.dicface.video.VideoFiles;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Detect Faces...: finds and tracks the faces of a clip and draws the tracks on it as an
 * overlay (a box and id per face and frame, the five alignment points; filled-in frames dashed), so they can be
 * checked before restoring; optionally writes them as tracks.json for the face commands. The pixels are not
 * changed.
 */
@Plugin(type = Command.class, label = "Detect Faces...")  // menu entry: plugins.config (through the Java check)
public final class DetectFaces extends CancelableCommand {
    @Parameter(persist = false, label = "Clip", description = "the image stack to treat as a clip (time, or z, is the frame axis)")
    ImagePlus image;

    @Parameter(persist = false, label = "Faces", choices = {"all", "largest"}, description = "every face, or the largest face of each shot")
    String faces = "all";

    @Parameter(persist = false, label = "Smallest face (pixels)", min = "0", description = "faces whose box is smaller are not followed")
    double min_face = org.dicface.face.TrackerOptions.DEFAULT.minFaceSize();

    @Parameter(persist = false, label = "Device", choices = {"auto", "cpu", "cuda"})
    String device = RunOptions.DEVICE;

    @Parameter(label = "Save the tracks to (optional)", required = false, persist = false,
            description = "a .json file for the face commands' 'Face tracks', or dicface --tracks")
    String tracks_file = "";

    @Override
    String title() {
        return "detect faces";
    }

    @Override
    void execute() throws Exception {
        Faces chosen = Faces.parse(faces, min_face, null);
        Device dev = Device.parse(device);
        Torch.init();
        FaceTracks tracks = FaceAnalysis.find(new StackSource(image), chosen.mode(), chosen.options(), dev,
                VideoFiles.frameRate(image), this::progress);
        boolean save = tracks_file != null && !tracks_file.isBlank();
        if (save) {
            TracksJson.write(tracks, java.nio.file.Path.of(tracks_file.trim()));
        }
        image.setOverlay(overlay(tracks, image.getNFrames() > 1));
        report(String.format(Locale.ROOT, "DicFace detect faces: %s, %d frames, %d shots, %d tracks%s", image.getTitle(),
                tracks.frames(), tracks.shots().size(), tracks.tracks().size(),
                save ? ", written to " + tracks_file.trim() : ""));
    }

    /** Boxes, ids and alignment points of every track, each on its own frame (time, or z, as the clip's axis). */
    static Overlay overlay(FaceTracks tracks, boolean timeAxis) {
        Overlay overlay = new Overlay();
        Color[] colors = {Color.YELLOW, Color.CYAN, Color.MAGENTA, Color.GREEN, Color.ORANGE, Color.PINK};
        for (Track t : tracks.tracks()) {
            Color color = colors[(t.id() - 1) % colors.length];
            for (TrackedFace f : t.frames()) {
                // ImageJ's pixel centres are at +0.5
                Roi box = new Roi(f.box().x() + 0.5, f.box().y() + 0.5, f.box().width(), f.box().height());
                box.setStrokeColor(color);
                if (f.interpolated()) {
                    box.setStroke(new java.awt.BasicStroke(1, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                            10, new float[] {4, 4}, 0));
                }
                TextRoi id = new TextRoi(f.box().x(), Math.max(0, f.box().y() - 14), String.valueOf(t.id()));
                id.setStrokeColor(color);
                float[] xs = new float[f.landmarks5().count()];
                float[] ys = new float[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = (float) (f.landmarks5().x(i) + 0.5);
                    ys[i] = (float) (f.landmarks5().y(i) + 0.5);
                }
                PointRoi points = new PointRoi(xs, ys, xs.length);
                points.setStrokeColor(color);
                for (Roi r : new Roi[] {box, id, points}) {
                    if (timeAxis) {
                        r.setPosition(0, 0, f.frame() + 1);
                    } else {
                        r.setPosition(f.frame() + 1);
                    }
                    overlay.add(r);
                }
            }
        }
        return overlay;
    }

    private boolean progress(int done, int total) {
        return progressed(done, total, "DicFace detect faces: frame " + done + " of " + total, "frames");
    }
}
