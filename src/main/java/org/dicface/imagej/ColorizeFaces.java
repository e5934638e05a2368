package org.dicface.imagej;

import org.dicface.io.Task;
import org.dicface.pipeline.ClipRestoration;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > DicFace > Colorize Faces...: gray clips (8-bit, 16-bit, 32-bit or RGB-gray) in, RGB out. */
@Plugin(type = Command.class, label = "Colorize Faces...")  // menu entry: plugins.config (through the Java check)
public final class ColorizeFaces extends FaceCommand {
    @Parameter(persist = false, label = "Keep the input's luminance", description = "take only the colour from the model")
    boolean keep_luminance = false;

    @Parameter(persist = false, label = "Output at the input's size")
    boolean keep_size = true;

    @Override
    Task task() {
        return Task.COLORIZE;
    }

    @Override
    ClipRestoration.Job job() {
        return ClipRestoration.Job.colorize().withKeepSize(keep_size).withKeepLuminance(keep_luminance);
    }
}
