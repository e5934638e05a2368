package org.dicface.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import org.dicface.face.Box;
import org.dicface.face.Landmarks;
import org.dicface.face.ScoredBox;
import org.dicface.torch.Device;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.dicface.video.StackFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IDS, AKD and TLME: their arithmetic against hand-computed values, and the whole measure on a real face moved by known amounts. */
class FaceMetricsTest extends ScopedTest {
    private static FaceMetrics faces;

    @BeforeAll
    static void load() throws IOException {
        faces = FaceMetrics.load(Device.CPU);
    }

    @AfterAll
    static void close() {
        faces.close();
    }

    static Landmarks points(double dx, double dy) {
        double[] xy = new double[2 * Landmarks.FULL];
        for (int i = 0; i < Landmarks.FULL; i++) {
            xy[2 * i] = 10 + i + dx;
            xy[2 * i + 1] = 50 - i + dy;
        }
        return new Landmarks(xy);
    }

    @Test
    void theArithmeticIsTheDocumentedOne() {
        assertEquals(Math.sqrt(0.5), FaceMetrics.cosine(new float[] {1, 0}, new float[] {1, 1}), 1e-12);
        assertEquals(-1, FaceMetrics.cosine(new float[] {2, -1}, new float[] {-4, 2}), 1e-12);
        assertEquals(0, FaceMetrics.cosine(new float[] {0, 0}, new float[] {1, 1}));
        assertEquals(5, FaceMetrics.meanDistance(points(3, 4), points(0, 0)), 1e-12, "every point 3-4-5 away");
        double[] half = points(0, 0).xy();
        for (int i = 0; i < Landmarks.FULL / 2; i++) {
            half[2 * i] += 2;
        }
        assertEquals(1, FaceMetrics.meanDistance(new Landmarks(half), points(0, 0)), 1e-12, "half the points 2 away");
        // the output moves 1 px right while the truth stands still: 1; both move alike: 0
        assertEquals(1, FaceMetrics.motionError(points(0, 0), points(1, 0), points(5, 5), points(5, 5)), 1e-12);
        assertEquals(0, FaceMetrics.motionError(points(0, 0), points(2, 3), points(7, 1), points(9, 4)), 1e-12);
        assertEquals(new Box(0, 0, 40, 30), FaceMetrics.faceBox(List.of(), 40, 30), "no face found: the whole frame");
        Box best = new Box(1, 2, 3, 4);
        assertEquals(best, FaceMetrics.faceBox(List.of(new ScoredBox(best, 0.9), new ScoredBox(new Box(5, 5, 5, 5), 0.7)), 40, 30));
    }

    /** The landmark fixture's large face (180 x 236) in a 260 x 300 frame, moved right by {@code dx} pixels. */
    static ColorProcessor face(int dx) throws IOException {
        ColorProcessor face = new ColorProcessor(ImageIO.read(Path.of("testdata", "face-api", "landmarks-crop-large.png").toFile()));
        ColorProcessor frame = new ColorProcessor(260, 300);
        frame.setColor(java.awt.Color.GRAY);
        frame.fill();
        frame.insert(face, 40 + dx, 32);
        return frame;
    }

    @Test
    void aFaceMovedByKnownAmountsGivesThoseDistances() throws IOException {
        ImageStack truth = new ImageStack(260, 300);
        ImageStack output = new ImageStack(260, 300);
        ImageStack blurred = new ImageStack(260, 300);
        for (int dx : new int[] {0, 0, 0}) {
            truth.addSlice(face(dx));
        }
        for (int dx : new int[] {0, 3, 3}) {  // frame 2 moved 3 px right, frame 3 stays there
            output.addSlice(face(dx));
        }
        for (int i = 0; i < 3; i++) {
            ColorProcessor b = face(0);
            b.blurGaussian(4);
            blurred.addSlice(b);
        }
        ClipEvaluation.Report r = ClipEvaluation.evaluate(new ImagePlus("out", output), new ImagePlus("gt", truth), null,
                ImageMetrics.Channels.RGB, 4, faces);
        ClipEvaluation.Row same = r.rows().get(0);
        assertEquals(1, same.ids(), 1e-6, "the same pixels: the same descriptor");
        assertEquals(0, same.akd(), 1e-9);
        assertTrue(Double.isNaN(same.tlme()), "no motion at the first frame");
        // a 3 px move: the points follow the face (the network sees the same box, so the face moves inside it)
        assertEquals(3, r.rows().get(1).akd(), 0.8);
        assertEquals(3, r.rows().get(1).tlme(), 0.8, "the output jumped, the truth did not");
        assertEquals(r.rows().get(1).akd(), r.rows().get(2).akd(), 1e-9, "frame 3 is frame 2 again");
        assertEquals(0, r.rows().get(2).tlme(), 1e-9, "no further motion");
        assertTrue(r.rows().get(1).ids() > 0.9, "the same face moved: " + r.rows().get(1).ids());
        assertTrue(r.toCsv().startsWith("frame,psnr_db,ssim,temporal_error,output_change,input_change,ids,akd_px,tlme_px\n"));
        assertTrue(r.summary().contains("IDS"), r.summary());
        // a blur loses identity detail: lower similarity than the moved face, still the same person
        double blurredIds = ClipEvaluation.evaluate(new ImagePlus("blurred", blurred), new ImagePlus("gt", truth), null,
                ImageMetrics.Channels.RGB, 4, faces).mean(ClipEvaluation.Row::ids);
        assertTrue(blurredIds < r.rows().get(1).ids() && blurredIds > 0.5, "blurred: " + blurredIds);
        Tensor f = StackFrames.toFrame(face(0), 0, 255);
        assertEquals(1, faces.measure(f, f).ids(), 1e-6);
    }
}
