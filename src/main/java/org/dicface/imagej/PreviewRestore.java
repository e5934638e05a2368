package org.dicface.imagej;

import java.io.IOException;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.TextRoi;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.dicface.model.ModelLoader;
import org.dicface.pipeline.FrameRange;
import org.dicface.torch.Scope;
import org.dicface.video.StackFrames;
import org.dicface.video.StackSource;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Preview Restore...: Restore Faces on one frame, with the frames of its window around it,
 * shown beside the input frame before the whole clip is run. On aligned clips, and with face tracks given, the frame
 * is exactly the one the whole run gives (the same window and the frame's own seed); on an ordinary video without
 * tracks the faces are found in the window's frames only, where the whole run tracks them over the clip, so the two
 * can differ a little.
 */
@Plugin(type = Command.class, label = "Preview Restore...")  // menu entry: plugins.config (through the Java check)
public final class PreviewRestore extends RestoreFaces {
    @Parameter(persist = false, label = "Frame", min = "0", description = "the frame to preview (1 = the first); 0: the frame shown")
    int frame = 0;

    @Override
    String title() {
        return "preview";
    }

    @Override
    void execute() throws IOException {
        StackSource whole = new StackSource(image);
        int n = whole.frameCount();
        int i = frame == 0 ? whole.currentFrame() : frame - 1;
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("the frame must be from 1 to " + n + " (0: the frame shown), got " + frame);
        }
        org.dicface.model.DicFaceConfig config = ModelLoader.config(configuration(), LoadedModel.weightsFor(task(), weights));
        int half = config.frameLength() / 2;
        boolean tracked = tracks_file != null && !tracks_file.isBlank();
        boolean aligned = org.dicface.pipeline.FaceMode.parse(faces).resolve(image.getWidth(), image.getHeight(),
                config.imgSize(), use_selection) == org.dicface.pipeline.FaceMode.ALIGNED;
        ImagePlus clip = image;
        String file = result_file;
        try {
            result_file = "";  // a preview stays in memory
            if (aligned || tracked) {
                frames = new FrameRange(i, i + 1);  // one frame of the whole clip: exactly the whole run's
            } else {
                // faces are found in the window's frames only (finding them in the whole clip takes as long as the run)
                int first = Math.max(0, i - half);
                image = whole.part(first, Math.min(n - 1, i + half) - first + 1);
                image.setRoi(clip.getRoi());
                frames = new FrameRange(i - first, i - first + 1);
            }
            super.execute();
        } finally {
            image = clip;
            frames = FrameRange.ALL;
            result_file = file;
        }
        ImagePlus restored = result;
        result = beside(clip, whole, i, restored.getStack().getProcessor(1));
        result.setProperty("Info", restored.getProperty("Info"));
        uncertainty_map = null;
    }

    /** The input frame and the restored one (at the input's size) side by side, labelled. */
    static ImagePlus beside(ImagePlus input, StackSource source, int index, ImageProcessor restored) {
        ColorProcessor before;
        try (Scope scope = Scope.open()) {
            before = StackFrames.toRgb(source.frame(index));
        }
        int w = before.getWidth();
        int h = before.getHeight();
        ImageProcessor after = restored.getWidth() == w && restored.getHeight() == h ? restored.convertToRGB()
                : restored.convertToRGB().resize(w, h, true);
        ColorProcessor both = CompareClips.sideBySide(before, (ColorProcessor) after);
        ImagePlus preview = new ImagePlus(input.getShortTitle() + "-preview-frame" + (index + 1), both);
        preview.setCalibration(input.getCalibration().copy());
        Overlay labels = new Overlay();
        int size = Math.max(10, h / 20);
        for (String[] label : new String[][] {{"input, frame " + (index + 1), "0"}, {"restored", Integer.toString(w)}}) {
            TextRoi t = new TextRoi(Integer.parseInt(label[1]) + 4, 2, label[0], new java.awt.Font("SansSerif", java.awt.Font.BOLD, size));
            t.setStrokeColor(java.awt.Color.YELLOW);
            labels.add(t);
        }
        preview.setOverlay(labels);
        return preview;
    }
}
