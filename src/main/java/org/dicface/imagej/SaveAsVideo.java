package org.dicface.imagej;

import java.io.File;

import ij.ImagePlus;
import org.dicface.video.VideoFiles;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Save as Video...: H.264 MP4 at the calibration's frame rate; the sound of the video the
 * stack came from (or of a chosen file) is copied across.
 */
@Plugin(type = Command.class, label = "Save as Video...")  // menu entry: plugins.config (through the Java check)
public final class SaveAsVideo extends CancelableCommand {
    @Parameter(persist = false, label = "Stack")
    ImagePlus image;

    @Parameter(persist = false, label = "Save as", style = "save")
    File file;

    @Parameter(persist = false, label = "Take the sound from", required = false, style = "open",
            description = "empty: the video the stack was opened from, if any")
    File audio_from;

    @Override
    String title() {
        return "Save as Video";
    }

    @Override
    void execute() throws Exception {
        VideoFiles.save(image, file.toPath(), audio_from == null ? null : audio_from.toPath());
        report("DicFace: saved " + image.getTitle() + " as " + file);
    }
}
