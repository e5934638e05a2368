package org.dicface.cli;

import org.dicface.io.Task;
import java.nio.file.Path;

import ij.ImagePlus;
import org.dicface.video.ClipFiles;
import org.dicface.pipeline.ClipRestoration;
import org.dicface.pipeline.Masks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dicface inpaint}: fills the masked pixels of each frame; outside the mask the input is kept. */
@Command(name = "inpaint", mixinStandardHelpOptions = true, description = "Inpaint face clips inside a mask.")
final class InpaintCommand extends TaskCommand {
    @Option(names = "--mask", required = true, description = "mask image or stack (non-zero = fill), one slice or one per frame")
    Path mask;

    @Override
    Task task() {
        return Task.INPAINT;
    }

    @Override
    ClipRestoration.Job job(ImagePlus clip) {
        ImagePlus m = ClipFiles.open(mask);
        int frames = Math.max(clip.getNFrames(), clip.getNSlices());
        return ClipRestoration.Job.inpaint(Masks.of(m, frames, clip.getWidth(), clip.getHeight()));
    }
}
