package org.dicface.imagej;

import java.io.File;

import ij.ImagePlus;
import org.dicface.metrics.ClipEvaluation;
import org.dicface.metrics.FaceMetrics;
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

    @Parameter(persist = false, label = "Face metrics (IDS, AKD, TLME)", description = "with ground truth: identity similarity and"
            + " landmark distances by face-api's networks (protocol: README, Evaluation)")
    boolean face_metrics;

    @Parameter(persist = false, label = "Table (CSV)", required = false, style = "save")
    File table;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus plot;

    @Parameter(type = ItemIO.OUTPUT)
    String summary;

    /** The means as a row of ImageJ's "DicFace metrics" table, one row per evaluation. */
    @Parameter(type = ItemIO.OUTPUT, label = TABLE)
    ij.measure.ResultsTable metrics;

    @Override
    String title() {
        return "Evaluate Clip";
    }

    @Override
    void execute() throws Exception {
        if (face_metrics && truth == null) {
            throw new IllegalArgumentException("the face metrics compare with the ground truth: choose a Ground truth clip");
        }
        ClipEvaluation.Report r;
        try (FaceMetrics faces = face_metrics ? FaceMetrics.load(org.dicface.torch.Device.CPU) : null) {
            r = ClipEvaluation.evaluate(image, truth, input, ImageMetrics.Channels.parse(channels), crop, faces);
        }
        plot = r.plot("PSNR of " + image.getTitle()).getImagePlus();
        summary = image.getTitle() + ": " + r.summary();
        if (table != null) {
            org.dicface.io.AtomicFile.writeString(table.toPath(), r.toCsv());
        }
        metrics = row(r);
        report("DicFace evaluation: " + summary);
    }

    private ij.measure.ResultsTable row(ClipEvaluation.Report r) {
        ij.measure.ResultsTable t = ij.measure.ResultsTable.getResultsTable(TABLE);
        if (t == null) {
            t = new ij.measure.ResultsTable();
        }
        t.incrementCounter();
        t.addValue("Clip", image.getTitle());
        t.addValue("Truth", truth == null ? "" : truth.getTitle());
        t.addValue("Frames", r.rows().size());
        t.addValue("PSNR (dB)", r.mean(ClipEvaluation.Row::psnr));
        t.addValue("SSIM", r.mean(ClipEvaluation.Row::ssim));
        t.addValue("Temporal error", r.mean(ClipEvaluation.Row::temporalError));
        t.addValue("Output change", r.mean(ClipEvaluation.Row::outputChange));
        t.addValue("Input change", r.mean(ClipEvaluation.Row::inputChange));
        if (face_metrics) {
            t.addValue("IDS", r.mean(ClipEvaluation.Row::ids));
            t.addValue("AKD (px)", r.mean(ClipEvaluation.Row::akd));
            t.addValue("TLME (px)", r.mean(ClipEvaluation.Row::tlme));
        }
        t.addValue("Channels", channels);
        t.addValue("Crop", crop);
        return t;
    }

    /** The title of the table the rows go to. */
    static final String TABLE = "DicFace metrics";
}
