package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The landmark benchmark of scripts/bench-landmarks.sh, on the real photos of testdata/face-api.
 * <ul>
 * <li>{@code speed}: seconds per face of the 68-point landmark network (crop, resize, network, mapping), one
 * face at a time and the five faces of sample5.png in one batch; median of several runs after a warm-up.</li>
 * <li>{@code sizes}: the detector's reach in face size: the photos' 11 faces, each cut out with a margin
 * (twice its box) and pasted at a series of smaller sizes (bilinear, antialiased by box averaging) in the
 * middle of a 640x480 gray frame; per size, how many are still found (a box overlapping the pasted face's by
 * IoU > 0.3) and the landmark error against the points found at full size, scaled.</li>
 * <li>{@code squeeze}: the same faces at 96 px high, squeezed horizontally (a crude stand-in for turning away,
 * which no photo here shows): how many are found as the width shrinks.</li>
 * </ul>
 * Usage: LandmarkBenchmark [speed|sizes|squeeze] [cpu|cuda] [runs]
 */
public final class LandmarkBenchmark {
    private static final Path DIR = Path.of("testdata", "face-api");
    private static final String[] PHOTOS = {"sample1.png", "sample2.png", "sample5.png"};

    private LandmarkBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String what = args.length > 0 ? args[0] : "speed";
        Device device = Device.parse(args.length > 1 ? args[1] : "cpu");
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        Torch.init();
        System.out.printf("# device %s, threads %d%n", device, Torch.numThreads());
        try (FaceFinder finder = FaceFinder.load(device); LandmarkNet net = LandmarkNet.load(device);
                GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            switch (what) {
                case "speed" -> speed(finder, net, runs);
                case "sizes" -> sizes(finder);
                case "squeeze" -> squeeze(finder);
                default -> throw new IllegalArgumentException("unknown part " + what + ": speed, sizes or squeeze");
            }
        }
    }

    static Tensor photo(String name) throws IOException {
        return StackFrames.toFrame(new ColorProcessor(ImageIO.read(DIR.resolve(name).toFile())), 0, 255);
    }

    private static void speed(FaceFinder finder, LandmarkNet net, int runs) throws IOException {
        try (Scope scope = Scope.open()) {
            Tensor frame = photo("sample5.png");
            List<Box> boxes = finder.find(frame).stream().map(Detection::box).toList();
            double one = median(runs, () -> net.detect(frame, boxes.get(0)));
            double batch = median(runs, () -> net.detect(frame, boxes)) / boxes.size();
            double find = median(Math.max(3, runs / 3), () -> finder.find(frame));
            System.out.printf("# one face %.4f s; %d faces in one batch %.4f s per face; detector + landmarks on "
                    + "the %dx%d photo %.4f s%n", one, boxes.size(), batch, frame.size(2), frame.size(1), find);
            System.out.printf("RESULT landmarks_one_face_s=%.4f landmarks_per_face_batch%d_s=%.4f find_%dx%d_s=%.4f%n",
                    one, boxes.size(), batch, frame.size(2), frame.size(1), find);
        }
    }

    private static double median(int runs, Runnable body) {
        body.run();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (Scope scope = Scope.open()) {
                long t0 = System.nanoTime();
                body.run();
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    /** A face of a photo: a patch around its box (the box's size again on every side), and its detection. */
    private record Face(Tensor patch, Box box, Detection full) {
    }

    private static List<Face> faces(FaceFinder finder) throws IOException {
        List<Face> faces = new ArrayList<>();
        for (String name : PHOTOS) {
            Tensor frame = photo(name);
            for (Detection d : finder.find(frame)) {
                Box b = d.box();
                int x0 = (int) Math.max(0, Math.floor(b.x() - b.width()));
                int y0 = (int) Math.max(0, Math.floor(b.y() - b.height()));
                int x1 = (int) Math.min(frame.size(2), Math.ceil(b.x() + 2 * b.width()));
                int y1 = (int) Math.min(frame.size(1), Math.ceil(b.y() + 2 * b.height()));
                Tensor patch = frame.narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).contiguous();
                faces.add(new Face(patch, new Box(b.x() - x0, b.y() - y0, b.width(), b.height()), d));
            }
        }
        return faces;
    }

    /**
     * The patch scaled by sx, sy (box-averaged when shrinking, then bilinear) in the middle of a 640x480 gray
     * frame; returns the frame and where the face's box went.
     */
    private static Object[] pasted(Face face, double sx, double sy) {
        int w = (int) Math.max(1, Math.round(face.patch().size(2) * sx));
        int h = (int) Math.max(1, Math.round(face.patch().size(1) * sy));
        Tensor p = face.patch().unsqueeze(0);
        int kx = (int) Math.max(1, Math.floor(1 / sx));
        int ky = (int) Math.max(1, Math.floor(1 / sy));
        if (kx > 1 || ky > 1) {
            // box average over the shrink factor (as a depthwise convolution), then the bilinear resize
            Tensor kernel = Tensor.full(1.0 / (kx * ky), org.dicface.torch.DType.FLOAT32, Device.CPU, 3, 1, ky, kx);
            p = p.conv2d(kernel, null, 1, 1, ky / 2, kx / 2, 1, 3);
        }
        p = p.upsampleBilinear(h, w, false).reshape(3, h, w);
        int fw = 640;
        int fh = 480;
        int ox = (fw - w) / 2;
        int oy = (fh - h) / 2;
        Tensor frame = p.pad(new long[] {ox, fw - w - ox, oy, fh - h - oy}, Tensor.PadMode.CONSTANT, 0);
        double rx = (double) w / face.patch().size(2);
        double ry = (double) h / face.patch().size(1);
        Box box = new Box(ox + face.box().x() * rx, oy + face.box().y() * ry, face.box().width() * rx,
                face.box().height() * ry);
        return new Object[] {frame, box, rx, ry, ox, oy};
    }

    private static Detection match(List<Detection> found, Box box) {
        Detection best = null;
        for (Detection d : found) {
            if (d.box().iou(box) > 0.3 && (best == null || d.box().iou(box) > best.box().iou(box))) {
                best = d;
            }
        }
        return best;
    }

    private static void sizes(FaceFinder finder) throws IOException {
        try (Scope scope = Scope.open()) {
            List<Face> faces = faces(finder);
            StringBuilder result = new StringBuilder("RESULT");
            for (int width : new int[] {64, 48, 40, 32, 28, 24, 20, 16, 12}) {
                int found = 0;
                double error = 0;
                for (Face face : faces) {
                    double s = width / face.box().width();
                    Object[] p = pasted(face, s, s);
                    try (Scope inner = Scope.open()) {
                        Detection d = match(finder.find((Tensor) p[0]), (Box) p[1]);
                        if (d != null) {
                            found++;
                            // the full-size points, moved with the face, against the points found now, in
                            // fractions of the face's (box) width
                            double[] full = face.full().landmarks().xy();
                            double rx = (double) p[2];
                            double ry = (double) p[3];
                            Box fb = face.full().box();
                            double sum = 0;
                            for (int i = 0; i < 68; i++) {
                                double ex = (int) p[4] + (full[2 * i] - fb.x() + face.box().x()) * rx;
                                double ey = (int) p[5] + (full[2 * i + 1] - fb.y() + face.box().y()) * ry;
                                sum += Math.hypot(d.landmarks().x(i) - ex, d.landmarks().y(i) - ey);
                            }
                            error += sum / 68 / width;
                        }
                    }
                }
                System.out.printf("# faces %d px wide: %d of %d found, mean landmark error %.1f %% of the face width%n",
                        width, found, faces.size(), found == 0 ? Double.NaN : 100 * error / found);
                result.append(String.format(" found_%dpx=%d/%d", width, found, faces.size()));
            }
            System.out.println(result);
        }
    }

    private static void squeeze(FaceFinder finder) throws IOException {
        try (Scope scope = Scope.open()) {
            List<Face> faces = faces(finder);
            StringBuilder result = new StringBuilder("RESULT");
            for (double squeeze : new double[] {1, 0.8, 0.6, 0.5, 0.4, 0.3}) {
                int found = 0;
                for (Face face : faces) {
                    double s = 96 / face.box().height();
                    Object[] p = pasted(face, s * squeeze, s);
                    try (Scope inner = Scope.open()) {
                        if (match(finder.find((Tensor) p[0]), (Box) p[1]) != null) {
                            found++;
                        }
                    }
                }
                System.out.printf("# faces 96 px high squeezed to %.0f %% of their width: %d of %d found%n",
                        100 * squeeze, found, faces.size());
                result.append(String.format(" found_squeeze%.0f=%d/%d", 100 * squeeze, found, faces.size()));
            }
            System.out.println(result);
        }
    }
}
