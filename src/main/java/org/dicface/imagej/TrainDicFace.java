package org.dicface.imagej;

import org.dicface.io.Task;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.gui.Plot;
import org.dicface.model.DicFaceConfig;
import org.dicface.torch.Device;
import org.dicface.train.ColorJitter;
import org.dicface.train.Degradation;
import org.dicface.train.TrainingInput;
import org.dicface.train.TrainingJob;
import org.dicface.train.Unfreezing;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;



/**
 * Plugins > DicFace > Train DicFace...: the official recipe on the clips of a folder (videos, image folders,
 * TIFF stacks), with a progress bar and a live loss plot (total, L1, KL); cancelling writes a checkpoint first.
 */
@Plugin(type = Command.class, label = "Train DicFace...")  // menu entry: plugins.config (through the Java check)
public final class TrainDicFace extends CancelableCommand {
    @Parameter(persist = false, label = "Training clips folder", style = "directory")
    File data;

    @Parameter(persist = false, label = "Task", choices = {"restore", "inpaint", "colorize"})
    String task = "restore";

    @Parameter(persist = false, label = "Configuration", choices = {"official", ConfigChoice.FILE},
            description = "official: the 512-pixel model; file: the config.json below")
    String config = "official";

    @Parameter(persist = false, label = "Configuration file", required = false, style = "open",
            description = "a config.json (with Configuration: file)")
    String config_file = "";

    @Parameter(persist = false, label = "Start from weights", required = false, description = "empty: from scratch")
    File init;

    @Parameter(persist = false, label = "Steps", min = "1")
    long steps = TrainingJob.STEPS;

    @Parameter(persist = false, label = "Learning rate")
    double lr = TrainingJob.LR;

    @Parameter(persist = false, label = "Final learning rate", description = "where the cosine schedule ends (official: 2e-5)")
    double lr_min = TrainingJob.LR_MIN;

    @Parameter(persist = false, label = "Clips per step", min = "1")
    int clips_per_step = TrainingJob.CLIPS_PER_STEP;

    @Parameter(persist = false, label = "Checkpoint folder", style = "directory")
    File checkpoints;

    @Parameter(persist = false, label = "Steps between checkpoints", min = "1")
    long save_every = TrainingJob.SAVE_EVERY;

    @Parameter(persist = false, label = "Unfreezing", choices = {"official", "progressive"})
    String unfreezing = "official";

    @Parameter(persist = false, label = "Train the encoder through the skips", description = "for training from scratch; the official"
            + " recipe (from trained weights) detaches the skip features")
    boolean skip_gradients;

    @Parameter(persist = false, label = "KL weight", required = false, description = "empty: the official one (1 for restore, 0 otherwise)")
    Double kl_weight;

    @Parameter(persist = false, label = "Colour jitter", min = "0", max = "0.5", stepSize = "0.05", description = "scale each window's"
            + " channels by gains in [1-a, 1+a] (not official; meant to make a model trained on few faces keep the input's colour)")
    double color_jitter = 0;

    @Parameter(persist = false, label = "Mirror windows", description = "flip half of the windows left-right (not official;"
            + " more faces from few)")
    boolean flip;

    @Parameter(persist = false, label = "Degradation size", min = "0", max = "4096", description = "the frame size the restoration"
            + " degradation acts at: smaller frames are enlarged to it, degraded and reduced back (512: the official data's; 0: the"
            + " frames' own size)")
    int degradation_size = Degradation.OFFICIAL_SIZE;

    @Parameter(persist = false, label = "Device", choices = {"auto", "cpu", "cuda"})
    String device = "auto";

    @Parameter(persist = false, label = "Resume from the checkpoint")
    boolean resume;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus loss_plot;

    @Parameter(type = ItemIO.OUTPUT)
    String summary;

    @Override
    String title() {
        return "Train";
    }

    @Override
    void execute() throws Exception {
        List<Path> clips = ClipFolder.clips(data, "training clips folder", LAYOUT);
        TrainingJob job = job(clips);
        List<Double> total = new ArrayList<>();
        List<Double> l1 = new ArrayList<>();
        List<Double> kl = new ArrayList<>();
        ImagePlus[] window = new ImagePlus[1];
        long[] last = {0};
        boolean complete = job.run(this::report, (r, sPerStep) -> {
            total.add(r.loss());
            l1.add(r.l1());
            kl.add(r.kl());
            last[0] = r.step();
            ij.IJ.showProgress((int) r.step(), (int) steps);
            ij.IJ.showStatus(String.format(Locale.ROOT, "DicFace training: step %d, loss %.4f, %.2f s/step", r.step(), r.loss(), sPerStep));
            if (r.step() % 10 == 0 || r.step() == steps) {
                window[0] = showPlot(window[0], total, l1, kl);
            }
            if (ij.IJ.escapePressed()) {
                ij.IJ.resetEscape();
                cancel("stopped with Esc at step " + r.step() + "; checkpoint written");
            }
            return !isCanceled();
        });
        window[0] = showPlot(window[0], total, l1, kl);
        loss_plot = window[0] != null ? window[0] : plot(total, l1, kl).getImagePlus();  // one window, not two
        summary = String.format(Locale.ROOT, "%s after %d steps: loss %.4f; checkpoint %s", complete ? "done" : "stopped",
                last[0], total.isEmpty() ? Double.NaN : total.get(total.size() - 1), job.checkpointFile());
        report("DicFace training " + summary);
    }

    static final String LAYOUT = ClipFolder.LAYOUT + ", of aligned faces";

    /** The job these parameters describe (the same builder, defaults and checks as the CLI's). */
    TrainingJob job(List<Path> clips) throws java.io.IOException {
        if (checkpoints == null) {
            throw new IllegalArgumentException("choose the checkpoint folder");
        }
        return TrainingJob.builder(clips, checkpoints.toPath()).task(Task.parse(task)).config(DicFaceConfig.resolve(ConfigChoice.resolve(config, config_file)))
                .init(init == null ? null : init.toPath()).steps(steps).lr(lr, lr_min).clipsPerStep(clips_per_step)
                .unfreezing(Unfreezing.parse(unfreezing)).saveEvery(save_every).resume(resume).skipGradients(skip_gradients)
                .klWeight(kl_weight)
                .input(new TrainingInput(new ColorJitter(color_jitter), flip, degradation_size)).device(Device.parse(device)).build();
    }

    private static Plot plot(List<Double> total, List<Double> l1, List<Double> kl) {
        double[] x = new double[total.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        Plot plot = new Plot("DicFace training loss", "step", "loss");
        plot.setColor(java.awt.Color.BLACK);
        plot.add("line", x, total.stream().mapToDouble(Double::doubleValue).toArray());
        plot.setColor(java.awt.Color.BLUE);
        plot.add("line", x, l1.stream().mapToDouble(Double::doubleValue).toArray());
        plot.setColor(java.awt.Color.RED);
        plot.add("line", x, kl.stream().mapToDouble(Double::doubleValue).toArray());
        plot.setLegend("total\tL1\tKL", Plot.AUTO_POSITION);
        return plot;
    }

    /** The live plot, updated in its window (none without a display). */
    private static ImagePlus showPlot(ImagePlus current, List<Double> total, List<Double> l1, List<Double> kl) {
        if (java.awt.GraphicsEnvironment.isHeadless() || ij.IJ.getInstance() == null) {
            return current;
        }
        ImagePlus fresh = plot(total, l1, kl).getImagePlus();
        if (current == null || current.getWindow() == null) {
            fresh.show();
            return fresh;
        }
        current.setProcessor(fresh.getProcessor());
        return current;
    }
}
