package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import ij.process.ColorProcessor;
import org.dicface.face.FaceDetector;
import org.dicface.face.ScoredBox;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;
import org.dicface.video.StackFrames;

/**
 * The face benchmark of scripts/bench-faces.sh: seconds per frame of face detection (face-api's SSD MobileNetV1,
 * the bundled weights) at 640x480 and 1920x1080, on a real photo (testdata/face-api/sample5.png, five faces)
 * resized to each size; median of several runs after a warm-up. Ends with a RESULT line.
 * Usage: FaceBenchmark [cpu|cuda] [runs]
 */
public final class FaceBenchmark {
    private FaceBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Device device = Device.parse(args.length > 0 ? args[0] : "cpu");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Torch.init();
        System.out.printf("# device %s, threads %d, %d runs%n", device, Torch.numThreads(), runs);
        int[][] sizes = {{640, 480}, {1920, 1080}};
        double[] seconds = new double[sizes.length];
        try (FaceDetector detector = FaceDetector.load(device)) {
            for (int k = 0; k < sizes.length; k++) {
                try (Scope scope = Scope.open()) {
                    Tensor photo = StackFrames.toFrame(new ColorProcessor(ImageIO.read(
                            Path.of("testdata", "face-api", "sample5.png").toFile())), 0, 255);
                    Tensor frame = photo.unsqueeze(0).upsampleBilinear(sizes[k][1], sizes[k][0], false).reshape(
                            3, sizes[k][1], sizes[k][0]).to(device);
                    List<ScoredBox> faces = detector.detect(frame);
                    double[] times = new double[runs];
                    for (int i = 0; i < runs; i++) {
                        long t0 = System.nanoTime();
                        detector.detect(frame);
                        times[i] = (System.nanoTime() - t0) / 1e9;
                    }
                    java.util.Arrays.sort(times);
                    seconds[k] = times[runs / 2];
                    System.out.printf("# %dx%d: %d faces, median %.4f s, best %.4f s%n", sizes[k][0], sizes[k][1],
                            faces.size(), seconds[k], times[0]);
                }
            }
        }
        System.out.printf("RESULT device=%s detect_640x480_s=%.4f detect_1920x1080_s=%.4f%n", device, seconds[0],
                seconds[1]);
    }
}
