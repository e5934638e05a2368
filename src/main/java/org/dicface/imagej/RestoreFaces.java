package org.dicface.imagej;

import org.dicface.io.Task;
import java.awt.Rectangle;

import ij.gui.Roi;
import org.dicface.pipeline.ClipRestoration;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > DicFace > Restore Faces...: blind face restoration; a rectangle selection restores that region only. */
@Plugin(type = Command.class, label = "Restore Faces...")  // menu entry: plugins.config (through the Java check)
public class RestoreFaces extends FaceCommand {
    @Parameter(persist = false, label = "Output at the input's size", description = "otherwise at the model's size (512)")
    boolean keep_size = true;

    @Parameter(persist = false, label = "Restore the selected region only", description = "a rectangle selection on the clip")
    boolean use_selection = false;

    @Parameter(persist = false, label = "Feather (pixels)", min = "0")
    int feather = ClipRestoration.Job.DEFAULT_FEATHER;

    @Parameter(persist = false, label = "Colour fix", description = "shift each frame's red, green and blue means to the input's (removes a"
            + " colour cast; not official)")
    boolean color_fix = false;

    @Override
    Task task() {
        return Task.RESTORE;
    }

    @Override
    ClipRestoration.Job job() {
        Rectangle region = null;
        if (use_selection) {
            Roi roi = image.getRoi();
            if (roi == null || roi.getType() != Roi.RECTANGLE) {
                throw new IllegalArgumentException("'Restore the selected region only' needs a rectangle selection on " + image.getTitle());
            }
            region = roi.getBounds();
        }
        return ClipRestoration.Job.restore().withRegion(region).withKeepSize(keep_size).withFeather(feather).withColorFix(color_fix);
    }
}
