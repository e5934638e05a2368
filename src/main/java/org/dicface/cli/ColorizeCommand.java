package org.dicface.cli;

import org.dicface.io.Task;
import ij.ImagePlus;
import org.dicface.pipeline.ClipRestoration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dicface colorize}: gray clips in, RGB out. */
@Command(name = "colorize", mixinStandardHelpOptions = true, description = "Colorize gray face clips.")
final class ColorizeCommand extends TaskCommand {
    @Option(names = "--keep-luminance", description = "keep the input's luminance, take only the colour from the model")
    boolean keepLuminance;

    @Override
    Task task() {
        return Task.COLORIZE;
    }

    @Override
    void checkOptions() {
        job(null).withFaces(faces);  // the job does not depend on the clip
    }

    @Override
    ClipRestoration.Job job(ImagePlus clip) {
        return ClipRestoration.Job.colorize().withKeepSize(!modelSize).withKeepLuminance(keepLuminance);
    }
}
