package org.dicface.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** PSNR, SSIM and the temporal figures against values worked out from their definitions. */
class ImageMetricsTest extends ScopedTest {

    static double[] random(long seed, int n, double scale) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() * scale;
        }
        return v;
    }

    @Test
    void psnrOfAKnownError() {
        Tensor a = Tensor.of(random(1, 3 * 20 * 20, 200), 3, 20, 20);
        Tensor b = a.add(5);  // MSE 25
        assertEquals(10 * Math.log10(255.0 * 255 / 25), ImageMetrics.psnr(a, b), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(a, a));
    }

    /** SSIM straight from its definition, for one channel, valid 11x11 windows. */
    static double referenceSsim(double[] x, double[] y, int w, int h) {
        double[] g = new double[11];
        double s = 0;
        for (int i = 0; i < 11; i++) {
            g[i] = Math.exp(-((i - 5) * (i - 5)) / 4.5);
            s += g[i];
        }
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        double total = 0;
        int count = 0;
        for (int py = 0; py + 11 <= h; py++) {
            for (int px = 0; px + 11 <= w; px++) {
                double mx = 0;
                double my = 0;
                double xx = 0;
                double yy = 0;
                double xy = 0;
                for (int dy = 0; dy < 11; dy++) {
                    for (int dx = 0; dx < 11; dx++) {
                        double wt = g[dy] * g[dx] / (s * s);
                        double a = x[(py + dy) * w + px + dx];
                        double b = y[(py + dy) * w + px + dx];
                        mx += wt * a;
                        my += wt * b;
                        xx += wt * a * a;
                        yy += wt * b * b;
                        xy += wt * a * b;
                    }
                }
                double vx = xx - mx * mx;
                double vy = yy - my * my;
                double cov = xy - mx * my;
                total += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                count++;
            }
        }
        return total / count;
    }

    @Test
    void ssimMatchesItsDefinition() {
        int w = 24;
        int h = 19;
        double[] x = random(2, w * h, 255);
        double[] y = x.clone();
        Random r = new Random(3);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.min(255, Math.max(0, y[i] * 0.8 + 20 + r.nextGaussian() * 60));
        }
        double expected = referenceSsim(x, y, w, h);
        assertEquals(expected, ImageMetrics.ssim(Tensor.of(x, 1, h, w), Tensor.of(y, 1, h, w)), 1e-9);
        assertEquals(1.0, ImageMetrics.ssim(Tensor.of(x, 1, h, w), Tensor.of(x, 1, h, w)), 1e-12);
        assertTrue(expected < 0.9);
    }

    @Test
    void lumaCropAndChannels() {
        // pure white is Y = 235, pure black 16 (BT.601 studio range)
        Tensor white = Tensor.full(255, org.dicface.torch.DType.FLOAT64, org.dicface.torch.Device.CPU, 3, 12, 12);
        Tensor y = ImageMetrics.prepare(white, ImageMetrics.Channels.Y, 4);
        assertEquals(1, y.size(0));
        assertEquals(4, y.size(1));
        assertEquals(235.0, y.max().item(), 1e-9);
        assertEquals(3, ImageMetrics.prepare(white, ImageMetrics.Channels.RGB, 0).size(0));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.prepare(white, ImageMetrics.Channels.RGB, 6));
    }

    static ImagePlus clip(int... grayLevels) {
        ImageStack s = new ImageStack(16, 16);
        for (int g : grayLevels) {
            ColorProcessor cp = new ColorProcessor(16, 16);
            cp.setColor(new java.awt.Color(g, g, g));
            cp.fill();
            s.addSlice(cp);
        }
        return new ImagePlus("clip", s);
    }

    @Test
    void temporalFiguresOfKnownClips() {
        ImagePlus truth = clip(100, 110, 120);
        ImagePlus output = clip(100, 115, 120);     // changes 15 then 5; the truth's 10 and 10
        ImagePlus input = clip(90, 90, 130);        // changes 0 then 40
        ClipEvaluation.Report r = ClipEvaluation.evaluate(output, truth, input, ImageMetrics.Channels.RGB, 0);
        assertEquals(3, r.rows().size());
        assertTrue(Double.isNaN(r.rows().get(0).temporalError()));
        assertEquals(5, r.rows().get(1).temporalError(), 1e-6);
        assertEquals(5, r.rows().get(2).temporalError(), 1e-6);
        assertEquals(15, r.rows().get(1).outputChange(), 1e-6);
        assertEquals(40, r.rows().get(2).inputChange(), 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, r.rows().get(0).psnr());
        assertEquals(10 * Math.log10(255.0 * 255 / 25), r.rows().get(1).psnr(), 1e-6);
        assertEquals(10 * Math.log10(255.0 * 255 / 25), r.mean(ClipEvaluation.Row::psnr), 1e-6, "infinite PSNR left out of the mean");
        assertTrue(r.toCsv().startsWith("frame,psnr_db,ssim,temporal_error,output_change,input_change,ids,akd_px,tlme_px\n1,Infinity"));
        assertTrue(r.toCsv().contains("\nmean,"));
        var e = assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.evaluate(output, clip(1, 2), null,
                ImageMetrics.Channels.RGB, 0));
        assertTrue(e.getMessage().contains("must match"), e.getMessage());
        ClipEvaluation.Report noTruth = ClipEvaluation.evaluate(output, null, input, ImageMetrics.Channels.Y, 2);
        assertTrue(Double.isNaN(noTruth.mean(ClipEvaluation.Row::psnr)));
        assertEquals(10, noTruth.mean(ClipEvaluation.Row::outputChange) / (219.0 / 255), 1e-6, "in Y, scaled by 219/255");
    }
}
