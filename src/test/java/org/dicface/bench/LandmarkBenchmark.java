package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import ij.process.ColorProcessor;
import org.dicface.face.Box;
import org.dicface.face.Detection;
import org.dicface.face.FaceFinder;
import org.dicface.face.LandmarkNet;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;
import org.dicface.video.StackFrames;

/**
 * The landmark benchmark of scripts/bench-faces.sh, on a real photo (testdata/face-api/sample5.png, five
 * faces): seconds per face of the 68-point landmark network (crop, resize, network, mapping back), one face at a
 * time and the five in one batch, and of detector + landmarks on the whole photo; medians of several runs after
 * a warm-up, with the process's CPU seconds beside them (which a busy machine inflates less). Ends with a
 * RESULT line.
 * Usage: LandmarkBenchmark [cpu|cuda] [runs]
 */
public final class LandmarkBenchmark {
    private static final Path DIR = Path.of("testdata", "face-api");
    private static final String[] PHOTOS = {"sample1.png", "sample2.png", "sample5.png"};

    private LandmarkBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Device device = Device.parse(args.length > 0 ? args[0] : "cpu");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Torch.init();
        System.out.printf("# device %s, threads %d%n", device, Torch.numThreads());
        try (FaceFinder finder = FaceFinder.load(device); LandmarkNet net = LandmarkNet.load(device);
                GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            speed(finder, net, runs);
        }
    }

    static Tensor photo(String name) throws IOException {
        return StackFrames.toFrame(new ColorProcessor(ImageIO.read(DIR.resolve(name).toFile())), 0, 255);
    }

    private static void speed(FaceFinder finder, LandmarkNet net, int runs) throws IOException {
        try (Scope scope = Scope.open()) {
            Tensor frame = photo("sample5.png");
            List<Box> boxes = finder.find(frame).stream().map(Detection::box).toList();
            double[] one = median(runs, () -> net.detect(frame, boxes.get(0)));
            double[] batch = median(runs, () -> net.detect(frame, boxes));
            double[] find = median(Math.max(3, runs / 3), () -> finder.find(frame));
            int n = boxes.size();
            System.out.printf("# one face: %.4f s (%.4f CPU s); %d faces in one batch: %.4f s per face (%.4f CPU s); "
                    + "detector + landmarks on the %dx%d photo: %.4f s (%.4f CPU s)%n", one[0], one[1], n,
                    batch[0] / n, batch[1] / n, frame.size(2), frame.size(1), find[0], find[1]);
            System.out.printf("RESULT landmarks_one_face_s=%.4f landmarks_one_face_cpu_s=%.4f landmarks_per_face_batch%d_s=%.4f "
                    + "landmarks_per_face_batch%d_cpu_s=%.4f find_%dx%d_s=%.4f%n", one[0], one[1], n, batch[0] / n, n,
                    batch[1] / n, frame.size(2), frame.size(1), find[0]);
        }
    }

    /** The median wall seconds of {@code runs} runs after one warm-up, and the process's mean CPU seconds per run. */
    private static double[] median(int runs, Runnable body) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        body.run();
        double[] t = new double[runs];
        long cpu0 = os.getProcessCpuTime();
        for (int i = 0; i < runs; i++) {
            try (Scope scope = Scope.open()) {
                long t0 = System.nanoTime();
                body.run();
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / runs;
        Arrays.sort(t);
        return new double[] {t[runs / 2], cpu};
    }
}
