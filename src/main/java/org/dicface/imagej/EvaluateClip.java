package org.dicface.imagej;

import java.io.File;

import ij.ImagePlus;
import org.dicface.metrics.ClipEvaluation;
import org.dicface.metrics.ImageMetrics;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > DicFace > Evaluate Clip...: PSNR, SSIM and temporal consistency per frame, a plot and a summary. */
@Plugin(type = Command.class, label = "Evaluate Clip...")  // menu entry: plugins.config (through the Java check)
public final class EvaluateClip extends CancelableCommand {
    @Parameter(persist = false, label = "Restored clip")
    ImagePlus image;

    @Parameter(persist = false, label = "Ground truth", required = false)
    ImagePlus truth;

    @Parameter(persist = false, label = "Degraded input", required = false)
    ImagePlus input;

    @Parameter(persist = false, label = "Channels", choices = {"rgb", "y"})
    String channels = "rgb";

    @Parameter(persist = false, label = "Crop border", min = "0")
    int crop = 4;

    @Parameter(persist = false, label = "Table (CSV)", required = false, style = "save")
    File table;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus plot;

    @Parameter(type = ItemIO.OUTPUT)
    String summary;

    @Override
    String title() {
        return "Evaluate Clip";
    }

    @Override
    void execute() throws Exception {
        ClipEvaluation.Report r = ClipEvaluation.evaluate(image, truth, input,
                ImageMetrics.Channels.parse(channels), crop);
        plot = r.plot("PSNR of " + image.getTitle()).getImagePlus();
        summary = image.getTitle() + ": " + r.summary();
        if (table != null) {
            org.dicface.io.AtomicFile.writeString(table.toPath(), r.toCsv());
        }
        report("DicFace evaluation: " + summary);
    }
}
