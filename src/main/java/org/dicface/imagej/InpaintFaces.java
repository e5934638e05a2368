package org.dicface.imagej;

import org.dicface.io.Task;
import ij.ImagePlus;
import ij.gui.Roi;
import org.dicface.pipeline.ClipRestoration;
import org.dicface.pipeline.Masks;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > DicFace > Inpaint Faces...: fills the selection (or a mask stack) on every frame; the rest is kept. */
@Plugin(type = Command.class, label = "Inpaint Faces...")  // menu entry: plugins.config (through the Java check)
public final class InpaintFaces extends FaceCommand {
    @Parameter(persist = false, label = "Mask stack", required = false, description = "non-zero pixels are filled; empty: use the clip's selection")
    ImagePlus mask;

    @Override
    Task task() {
        return Task.INPAINT;
    }

    @Override
    ClipRestoration.Job job() {
        Masks masks;
        if (mask != null) {
            masks = Masks.of(mask, Math.max(image.getNFrames(), image.getNSlices()), image.getWidth(), image.getHeight());
        } else {
            Roi roi = image.getRoi();
            if (roi == null || !roi.isArea()) {
                throw new IllegalArgumentException("Inpainting needs the area to fill: draw a selection on " + image.getTitle()
                        + " or choose a mask stack.");
            }
            masks = Masks.of(roi, image.getWidth(), image.getHeight());
        }
        return ClipRestoration.Job.inpaint(masks);
    }
}
