package org.dicface.imagej;

import java.io.File;

import ij.ImagePlus;
import org.dicface.video.VideoFiles;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > DicFace > Open Video...: a video file as a stack, its frame rate in the calibration. */
@Plugin(type = Command.class, label = "Open Video...")  // menu entry: plugins.config (through the Java check)
public final class OpenVideo extends CancelableCommand {
    @Parameter(persist = false, label = "Video file", style = "open")
    File file;

    @Parameter(persist = false, label = "Virtual stack (decode frames on demand)")
    boolean virtual = false;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus video;

    @Override
    String title() {
        return "Open Video";
    }

    @Override
    void execute() throws Exception {
        video = VideoFiles.open(file.toPath(), virtual);
        report("DicFace: opened " + file + " (" + video.getNFrames() + " frames at " + video.getCalibration().fps + " fps)");
    }
}
