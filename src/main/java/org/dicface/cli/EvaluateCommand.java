package org.dicface.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import ij.ImagePlus;
import ij.io.FileSaver;
import org.dicface.io.AtomicFile;
import org.dicface.metrics.ClipEvaluation;
import org.dicface.metrics.FaceMetrics;
import org.dicface.metrics.ImageMetrics;
import org.dicface.video.ClipFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicface evaluate}: per-frame PSNR, SSIM and temporal consistency as CSV and a plot, and a summary row. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Measure a restored clip (PSNR, SSIM, temporal; with --face-metrics IDS, AKD, TLME).")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the restored clip (video, folder or TIFF)")
    Path restored;

    @Option(names = "--truth", description = "the ground-truth clip, frame for frame")
    Path truth;

    @Option(names = "--input", description = "the degraded input, for the temporal change without ground truth")
    Path input;

    @Option(names = "--channels", defaultValue = "rgb", description = "rgb or y (BT.601 luma) (default: ${DEFAULT-VALUE})")
    String channels;

    @Option(names = "--crop", defaultValue = "4", description = "border left out on every side (default: ${DEFAULT-VALUE}, as the official validation)")
    int crop;

    @Option(names = "--face-metrics", description = "also identity similarity (IDS) and landmark distances (AKD, TLME) against"
            + " the truth, by face-api's networks (protocol: README, Evaluation)")
    boolean faceMetrics;

    @Option(names = {"-o", "--output"}, required = true, description = "the CSV table to write; a PNG plot goes beside it")
    Path output;

    @Override
    public Integer call() throws Exception {
        ImagePlus out = ClipFiles.open(restored);
        ImagePlus gt = truth == null ? null : ClipFiles.open(truth);
        ImagePlus in = input == null ? null : ClipFiles.open(input);
        if (faceMetrics && gt == null) {
            throw new IllegalArgumentException("--face-metrics compares with the ground truth: give --truth");
        }
        ClipEvaluation.Report r;
        try (FaceMetrics faces = faceMetrics ? FaceMetrics.load(org.dicface.torch.Device.CPU) : null) {
            r = ClipEvaluation.evaluate(out, gt, in, ImageMetrics.Channels.parse(channels), crop, faces);
        }
        AtomicFile.writeString(output, r.toCsv());
        System.out.println(r.summary());
        Path png = output.resolveSibling(output.getFileName().toString().replaceFirst("\\.csv$", "") + ".png");
        System.out.println("table: " + output + (writePlot(r, png) ? ", plot: " + png : ""));
        return 0;
    }

    /**
     * The PNG plot, when this Java can draw text: a headless machine without fonts (no fontconfig) cannot,
     * and the figures must not be lost for a picture.
     */
    private boolean writePlot(ClipEvaluation.Report r, Path png) throws java.io.IOException {
        ImagePlus plot;
        try {
            plot = r.plot("PSNR of " + restored.getFileName()).getImagePlus();
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            System.err.println("dicface evaluate: no plot written, Java cannot draw text on this machine (" + e.getMessage()
                    + "); install fonts (apt-get install fontconfig fonts-dejavu-core) for it. The table is complete.");
            return false;
        }
        AtomicFile.writeVia(png, tmp -> {
            if (!new FileSaver(plot).saveAsPng(tmp.toString())) {
                throw new java.io.IOException("could not write " + png);
            }
        });
        return true;
    }
}
