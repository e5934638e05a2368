package org.dicface.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ij.ImagePlus;
import ij.gui.Plot;
import org.dicface.video.FrameSource;
import org.dicface.video.StackSource;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Measures a restored clip: per frame PSNR and SSIM against the ground truth, and temporal consistency — with
 * ground truth, the mean absolute difference between the output's and the truth's frame-to-frame changes;
 * without it, the output's mean frame-to-frame change next to the input's (a flicker measure). All in 8-bit
 * units. Images are read as frames (gray is replicated), so any ImageJ clip works. With {@link FaceMetrics}
 * and ground truth, each frame also gets the face figures IDS, AKD and TLME (their protocol is there).
 */
public final class ClipEvaluation {
    /** One frame's figures; NaN where not measured (no truth, or the first frame for temporal ones). */
    public record Row(int frame, double psnr, double ssim, double temporalError, double outputChange, double inputChange,
            double ids, double akd, double tlme) {
    }

    /** All rows and their means (over the frames where each is defined). */
    public record Report(List<Row> rows, ImageMetrics.Channels channels, int crop) {
        public double mean(java.util.function.ToDoubleFunction<Row> f) {
            return rows.stream().mapToDouble(f).filter(v -> !Double.isNaN(v) && !Double.isInfinite(v)).average().orElse(Double.NaN);
        }

        public String toCsv() {
            StringBuilder sb = new StringBuilder("frame,psnr_db,ssim,temporal_error,output_change,input_change,ids,akd_px,tlme_px\n");
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%d,%.4f,%.6f,%.4f,%.4f,%.4f,%.6f,%.4f,%.4f%n", r.frame(), r.psnr(), r.ssim(),
                        r.temporalError(), r.outputChange(), r.inputChange(), r.ids(), r.akd(), r.tlme()));
            }
            sb.append(String.format(Locale.ROOT, "mean,%.4f,%.6f,%.4f,%.4f,%.4f,%.6f,%.4f,%.4f%n", mean(Row::psnr), mean(Row::ssim),
                    mean(Row::temporalError), mean(Row::outputChange), mean(Row::inputChange), mean(Row::ids), mean(Row::akd),
                    mean(Row::tlme)));
            return sb.toString();
        }

        public String summary() {
            double inputChange = mean(Row::inputChange);  // NaN when no input clip was given
            return String.format(Locale.ROOT, "%d frames (%s, crop %d): PSNR %.2f dB, SSIM %.4f, temporal error %.3f, "
                    + "output change %.3f", rows.size(), channels, crop, mean(Row::psnr), mean(Row::ssim),
                    mean(Row::temporalError), mean(Row::outputChange))
                    + (Double.isNaN(inputChange) ? "" : String.format(Locale.ROOT, " (input %.3f)", inputChange))
                    + (Double.isNaN(mean(Row::ids)) ? "" : String.format(Locale.ROOT, ", IDS %.4f, AKD %.3f px, TLME %.3f px",
                    mean(Row::ids), mean(Row::akd), mean(Row::tlme)));
        }

        /** PSNR (and, when measured, temporal error) per frame. */
        public Plot plot(String title) {
            Plot plot = new Plot(title, "frame", "PSNR (dB)");
            double[] x = rows.stream().mapToDouble(Row::frame).toArray();
            plot.add("line", x, rows.stream().mapToDouble(Row::psnr).toArray());
            return plot;
        }
    }

    private ClipEvaluation() {
    }

    /** {@code truth} and {@code input} may be null (then the figures that need them are NaN); no face figures. */
    public static Report evaluate(ImagePlus output, ImagePlus truth, ImagePlus input, ImageMetrics.Channels channels, int crop) {
        return evaluate(output, truth, input, channels, crop, null);
    }

    /** As above, with the face figures when {@code faces} is not null and there is ground truth (whole frames, no crop). */
    public static Report evaluate(ImagePlus output, ImagePlus truth, ImagePlus input, ImageMetrics.Channels channels, int crop,
            FaceMetrics faces) {
        if (crop < 0) {
            throw new IllegalArgumentException("the crop border must be 0 or more pixels, got " + crop);
        }
        FrameSource out = new StackSource(output);
        FrameSource gt = truth == null ? null : sameShape(out, new StackSource(truth), "ground truth");
        FrameSource in = input == null ? null : sameShape(out, new StackSource(input), "input");
        List<Row> rows = new ArrayList<>();
        Tensor prevOut = null;
        Tensor prevGt = null;
        Tensor prevIn = null;
        FaceMetrics.Frame prevFace = null;
        try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            for (int i = 0; i < out.frameCount(); i++) {
                try (Scope scope = Scope.open()) {
                    Tensor outFrame = out.frame(i);
                    Tensor gtFrame = gt == null ? null : gt.frame(i);
                    Tensor o = prepared(outFrame, channels, crop);
                    Tensor t = gtFrame == null ? null : prepared(gtFrame, channels, crop);
                    Tensor x = in == null ? null : prepared(in.frame(i), channels, crop);
                    double psnr = t == null ? Double.NaN : ImageMetrics.psnr(o, t);
                    double ssim = t == null ? Double.NaN : ImageMetrics.ssim(o, t);
                    double temporal = Double.NaN;
                    double outChange = Double.NaN;
                    double inChange = Double.NaN;
                    if (prevOut != null) {
                        Tensor dOut = o.sub(prevOut);
                        outChange = dOut.abs().mean().item();
                        if (t != null) {
                            temporal = dOut.sub(t.sub(prevGt)).abs().mean().item();
                        }
                        if (x != null) {
                            inChange = x.sub(prevIn).abs().mean().item();
                        }
                    }
                    FaceMetrics.Frame face = faces == null || gt == null ? null : faces.measure(outFrame, gtFrame);
                    double tlme = face == null || prevFace == null ? Double.NaN
                            : FaceMetrics.motionError(prevFace.output(), face.output(), prevFace.truth(), face.truth());
                    rows.add(new Row(i + 1, psnr, ssim, temporal, outChange, inChange, face == null ? Double.NaN : face.ids(),
                            face == null ? Double.NaN : face.akd(), tlme));
                    prevFace = face;
                    prevOut = replace(prevOut, o);
                    prevGt = t == null ? null : replace(prevGt, t);
                    prevIn = x == null ? null : replace(prevIn, x);
                }
            }
        } finally {
            for (Tensor t : new Tensor[] {prevOut, prevGt, prevIn}) {
                if (t != null) {
                    t.close();
                }
            }
        }
        return new Report(rows, channels, crop);
    }

    private static Tensor replace(Tensor old, Tensor next) {
        if (old != null) {
            old.close();
        }
        return Scope.unowned(next::copy);
    }

    /** A frame in [-1, 1] as the metrics read it: [0, 255], the channels chosen, the border cropped. */
    private static Tensor prepared(Tensor frame, ImageMetrics.Channels channels, int crop) {
        try (Scope scope = Scope.open()) {
            return scope.keep(ImageMetrics.prepare(frame.add(1).mul(127.5), channels, crop));
        }
    }

    private static FrameSource sameShape(FrameSource out, FrameSource other, String what) {
        if (other.width() != out.width() || other.height() != out.height() || other.frameCount() != out.frameCount()) {
            throw new IllegalArgumentException("the " + what + " is " + other.width() + "x" + other.height() + " with "
                    + other.frameCount() + " frames, the output " + out.width() + "x" + out.height() + " with "
                    + out.frameCount() + ": they must match");
        }
        return other;
    }
}
