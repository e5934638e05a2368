package org.dicface.metrics;

import java.io.IOException;
import java.util.List;

import org.dicface.face.Box;
import org.dicface.face.FaceDetector;
import org.dicface.face.FaceRecognitionNet;
import org.dicface.face.LandmarkNet;
import org.dicface.face.Landmarks;
import org.dicface.face.ScoredBox;
import org.dicface.torch.Device;
import org.dicface.torch.Tensor;

/**
 * The face columns of the paper's Table 1, with face-api's networks (MIT), computed as follows (papers
 * differ; this is exactly what is measured):
 * <ol>
 * <li>The face of a frame pair is the detector's best box on the <em>ground-truth</em> frame (SSD MobileNetV1,
 * default options); when it finds none (an aligned crop can be too tight for it), the whole frame. The output
 * frame is read in the same box, so both networks see the same pixels of both frames.</li>
 * <li><b>IDS</b>: the cosine similarity of the face recognition network's 128-value descriptors of the box in
 * the output and in the truth (1 = the same descriptor; face-api calls faces of one person below a Euclidean
 * distance of 0.6).</li>
 * <li><b>AKD</b>: the mean over the 68 points of the distance between the landmark network's points in the
 * output and in the truth, in pixels of the frame as evaluated.</li>
 * <li><b>TLME</b>: from the second frame on, the mean over the 68 points of the distance between the points'
 * motion since the previous frame in the output and in the truth (|(p_t - p_t-1) - (q_t - q_t-1)|), in pixels:
 * landmark jitter the truth does not have.</li>
 * </ol>
 * Each figure of a clip is the mean over its frames (TLME over frames 2 to n).
 */
public final class FaceMetrics implements AutoCloseable {
    /** One frame pair's figures and the points they came from. */
    public record Frame(double ids, double akd, Landmarks output, Landmarks truth) {
    }

    private final FaceDetector detector;
    private final LandmarkNet landmarks;
    private final FaceRecognitionNet recognition;

    private FaceMetrics(FaceDetector detector, LandmarkNet landmarks, FaceRecognitionNet recognition) {
        this.detector = detector;
        this.landmarks = landmarks;
        this.recognition = recognition;
    }

    /** The three bundled networks on a device. */
    public static FaceMetrics load(Device device) throws IOException {
        FaceDetector detector = FaceDetector.load(device);
        try {
            LandmarkNet landmarks = LandmarkNet.load(device);
            try {
                return new FaceMetrics(detector, landmarks, FaceRecognitionNet.load(device));
            } catch (IOException | RuntimeException e) {
                landmarks.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    /** The figures of one output frame against its truth (both RGB [3, H, W] in [-1, 1], the same size). */
    public Frame measure(Tensor output, Tensor truth) {
        Box box = faceBox(detector.detect(truth), (int) truth.size(2), (int) truth.size(1));
        List<Box> one = List.of(box);
        double ids = cosine(recognition.describe(output, one).getFirst(), recognition.describe(truth, one).getFirst());
        Landmarks out = landmarks.detect(output, box);
        Landmarks gt = landmarks.detect(truth, box);
        return new Frame(ids, meanDistance(out, gt), out, gt);
    }

    /** The best-scoring box (face-api's units), or the whole frame when there is none. */
    static Box faceBox(List<ScoredBox> found, int width, int height) {
        return found.isEmpty() ? new Box(0, 0, width, height) : found.getFirst().box();
    }

    /** a . b / (|a| |b|); 0 when either is all zeros. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " values against " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** The mean distance between corresponding points (AKD of one frame). */
    public static double meanDistance(Landmarks a, Landmarks b) {
        check(a, b);
        double sum = 0;
        for (int i = 0; i < a.count(); i++) {
            sum += Math.hypot(a.x(i) - b.x(i), a.y(i) - b.y(i));
        }
        return sum / a.count();
    }

    /** The mean distance between the points' motions from the previous frame in the output and the truth (TLME of one frame). */
    public static double motionError(Landmarks outputBefore, Landmarks output, Landmarks truthBefore, Landmarks truth) {
        check(outputBefore, output);
        check(truthBefore, truth);
        check(output, truth);
        double sum = 0;
        for (int i = 0; i < output.count(); i++) {
            double dx = (output.x(i) - outputBefore.x(i)) - (truth.x(i) - truthBefore.x(i));
            double dy = (output.y(i) - outputBefore.y(i)) - (truth.y(i) - truthBefore.y(i));
            sum += Math.hypot(dx, dy);
        }
        return sum / output.count();
    }

    private static void check(Landmarks a, Landmarks b) {
        if (a.count() != b.count()) {
            throw new IllegalArgumentException(a.count() + " points against " + b.count());
        }
    }

    @Override
    public void close() {
        try (detector; landmarks; recognition) {
            // all three closed, in reverse order
        }
    }
}
