package org.dicface.cli;

import org.dicface.io.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import ij.ImagePlus;
import ij.ImageStack;
import org.dicface.video.ClipFiles;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.train.Degradation;
import org.dicface.video.StackFrames;
import org.dicface.video.StackSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicface degrade <clip> <out.tif>}: the training degradation of a task applied to a whole clip (one blur
 * kernel, one interpolation, one H.264 pass for all its frames), seeded; makes the degraded half of an
 * evaluation pair whose ground truth is the clip itself.
 */
@Command(name = "degrade", mixinStandardHelpOptions = true,
        description = "Degrade a clip as training does (for evaluation pairs).")
final class DegradeCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the clean clip (video, folder or TIFF)")
    Path input;

    @Parameters(index = "1", description = "the degraded clip to write (TIFF stack)")
    Path output;

    @Option(names = "--task", defaultValue = "restore", converter = TaskConverter.class, description = "restore, inpaint or colorize (default: ${DEFAULT-VALUE})")
    Task task;

    @Option(names = "--seed", defaultValue = "0", description = "the degradation's seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--degradation-size", description = "the frame size the restoration degradation acts at: smaller frames are"
            + " enlarged to it, degraded and reduced back (0: the clip's own size; default: ${DEFAULT-VALUE}, the official data's)")
    int degradationSize = Degradation.OFFICIAL_SIZE;

    @Override
    public Integer call() throws Exception {
        Task kind = task;
        ImagePlus clean = ClipFiles.open(input);
        StackSource source = new StackSource(clean);
        ImageStack stack = new ImageStack(source.width(), source.height());
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            List<Tensor> frames = new ArrayList<>();
            for (int i = 0; i < source.frameCount(); i++) {
                frames.add(source.unitFrame(i).unsqueeze(0));  // the degradations' range, [0, 1]
            }
            List<Tensor> rows = Degradation.apply(kind, Tensor.cat(frames, 0), seed, degradationSize).chunk(frames.size(), 0);
            for (int i = 0; i < source.frameCount(); i++) {
                stack.addSlice("frame " + (i + 1), StackFrames.toRgb(rows.get(i).reshape(3, source.height(), source.width()).mul(2).sub(1)));
            }
        }
        ImagePlus out = new ImagePlus(clean.getTitle() + " degraded", stack);
        out.setDimensions(1, 1, stack.getSize());
        out.setCalibration(clean.getCalibration());
        ClipFiles.saveTiff(out, output);
        System.out.println("wrote " + output + ": " + stack.getSize() + " frames, " + task + " degradation"
                + (task == Task.RESTORE ? " at " + (degradationSize == 0 ? "the clip's own size" : degradationSize + " pixels") : "")
                + ", seed " + seed);
        return 0;
    }
}
