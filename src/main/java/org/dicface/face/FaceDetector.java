package org.dicface.face;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Faces in a frame, with face-api's SSD MobileNetV1 detector ({@link SsdMobilenetV1}) and its weights bundled
 * with the project. As face-api's {@code locateFaces}: the frame is padded to a square at the right or bottom
 * (black), resized to 512 x 512 with TensorFlow's bilinear resize (no half-pixel centres), run through the
 * network; the anchors scoring above {@code minConfidence} go through greedy non-maximum suppression, and the
 * boxes are clipped to the square and mapped back to the frame exactly as face-api does (including its rounding
 * of the resized size). Boxes are in face-api's pixel units: x, y of the top-left corner, the frame spanning
 * [0, width] x [0, height].
 *
 * <p>The detector runs on the device its network is on (CPU or CUDA); frames may be anywhere.
 */
public final class FaceDetector implements AutoCloseable {
    /** The bundled weights (face-api 1.7.15, MIT), a TF.js manifest beside its shard. */
    public static final String WEIGHTS = "face-api/ssd_mobilenetv1_model-weights_manifest.json";

    /**
     * What counts as a face: a score above {@code minConfidence}, at most {@code maxResults} faces, and two boxes
     * overlapping by more than {@code iouThreshold} (intersection over union) count as one. The defaults are
     * face-api's.
     */
    public record Options(double minConfidence, int maxResults, double iouThreshold) {
        public static final Options DEFAULT = new Options(0.5, 100, 0.5);

        public Options {
            if (!(minConfidence > 0 && minConfidence < 1)) {
                throw new IllegalArgumentException("the minimum face score must lie strictly between 0 and 1, got "
                        + minConfidence);
            }
            if (maxResults < 1) {
                throw new IllegalArgumentException("the maximum number of faces must be at least 1, got " + maxResults);
            }
            if (!(iouThreshold > 0 && iouThreshold <= 1)) {
                throw new IllegalArgumentException("the overlap threshold must lie in (0, 1], got " + iouThreshold);
            }
        }

        public Options minConfidence(double value) {
            return new Options(value, maxResults, iouThreshold);
        }

        public Options maxResults(int value) {
            return new Options(minConfidence, value, iouThreshold);
        }

        public Options iouThreshold(double value) {
            return new Options(minConfidence, maxResults, value);
        }
    }

    private final SsdMobilenetV1 net;
    private final Device device;
    private final Options options;

    private FaceDetector(SsdMobilenetV1 net, Device device, Options options) {
        this.net = net;
        this.device = device;
        this.options = options;
    }

    /** The detector with the bundled weights on a device, with face-api's default options. */
    public static FaceDetector load(Device device) throws IOException {
        return load(device, Options.DEFAULT);
    }

    public static FaceDetector load(Device device, Options options) throws IOException {
        return new FaceDetector(TfjsLayout.bundled(WEIGHTS, SsdMobilenetV1::load, device), device, options);
    }

    public Device device() {
        return device;
    }

    public Options options() {
        return options;
    }

    /** The faces of one frame RGB [3, H, W] in [-1, 1], best score first. */
    public List<ScoredBox> detect(Tensor frame) {
        return detect(frame, options);
    }

    public List<ScoredBox> detect(Tensor frame, Options options) {
        return detect(List.of(frame), options).getFirst();
    }

    /**
     * The faces of several frames (of any sizes) in one pass of the network, which is faster on a GPU: one list
     * per frame, in order.
     */
    public List<List<ScoredBox>> detect(List<Tensor> frames, Options options) {
        List<Raw> raws = raw(frames);
        List<List<ScoredBox>> faces = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Tensor frame = frames.get(i);
            faces.add(faces(raws.get(i).boxes(), raws.get(i).scores(), (int) frame.size(2), (int) frame.size(1),
                    options));
        }
        return faces;
    }

    /** The network's output for one frame: boxes (ymin, xmin, ymax, xmax relative to the square), scores. */
    record Raw(float[] boxes, float[] scores) {
    }

    List<Raw> raw(List<Tensor> frames) {
        if (frames.isEmpty()) {
            return List.of();
        }
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.INFERENCE.enter()) {
            List<Tensor> inputs = new ArrayList<>();
            for (Tensor frame : frames) {
                long[] s = frame.shape();
                if (s.length != 3 || s[0] != 3 || s[1] < 1 || s[2] < 1 || s[1] > Integer.MAX_VALUE
                        || s[2] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("a frame is RGB [3, H, W], got " + java.util.Arrays.toString(s));
                }
                inputs.add(input(frame, (int) s[1], (int) s[2]));
            }
            SsdMobilenetV1.Output out = net.forward(inputs.size() == 1 ? inputs.getFirst() : Tensor.cat(inputs, 0));
            float[] boxes = out.boxes().to(Device.CPU).toFloatArray();
            float[] scores = out.scores().to(Device.CPU).toFloatArray();
            int n = SsdMobilenetV1.ANCHORS;
            List<Raw> raws = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                raws.add(new Raw(java.util.Arrays.copyOfRange(boxes, 4 * n * i, 4 * n * (i + 1)),
                        java.util.Arrays.copyOfRange(scores, n * i, n * (i + 1))));
            }
            return raws;
        }
    }

    /** The network's input [1, 3, 512, 512]: the frame padded to a square with black, resized as TF.js does. */
    private Tensor input(Tensor frame, int height, int width) {
        int side = Math.max(height, width);
        Tensor x = frame.to(device, DType.FLOAT32).unsqueeze(0);
        x = resizeRows(x, 2, height, side, device);
        return resizeRows(x, 3, width, side, device);
    }

    /**
     * Resizes dimension {@code dim} of x (holding {@code size} of the square's {@code side} cells, the rest being
     * black padding, -1) to 512 cells, as tf.image.resizeBilinear(alignCorners = false, halfPixelCenters = false):
     * output cell i samples source position i * side / 512. Each output is a * x[i0] + b * x[i1] + c, with the
     * weights of padding cells moved into the constant c.
     */
    static Tensor resizeRows(Tensor x, int dim, int size, int side, Device device) {
        int n = SsdMobilenetV1.INPUT_SIZE;
        long[] lo = new long[n];
        long[] hi = new long[n];
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        TfResize[] taps = TfResize.taps(side, n);
        for (int i = 0; i < n; i++) {
            int i0 = taps[i].lo();
            int i1 = taps[i].hi();
            double frac = taps[i].frac();
            double w0 = 1 - frac;
            double constant = 0;
            if (i0 >= size) {
                constant -= w0;
                w0 = 0;
            }
            double w1 = frac;
            if (i1 >= size) {
                constant -= w1;
                w1 = 0;
            }
            lo[i] = Math.min(i0, size - 1);
            hi[i] = Math.min(i1, size - 1);
            a[i] = (float) w0;
            b[i] = (float) w1;
            c[i] = (float) constant;
        }
        long[] shape = dim == 2 ? new long[] {1, 1, n, 1} : new long[] {1, 1, 1, n};
        Tensor first = x.indexSelect(dim, Tensor.of(lo, n).to(device));
        Tensor second = x.indexSelect(dim, Tensor.of(hi, n).to(device));
        return first.mul(Tensor.of(a, shape).to(device)).add(second.mul(Tensor.of(b, shape).to(device)))
                .add(Tensor.of(c, shape).to(device));
    }

    /**
     * face-api's selection and mapping: candidates above the minimum score, best first (ties in anchor order),
     * each kept unless it overlaps an already kept box by more than the threshold; then clipped to [0, 1] of the
     * square and scaled by 512 / round(size * 512 / side) and the frame's size.
     */
    static List<ScoredBox> faces(float[] boxes, float[] scores, int width, int height, Options options) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > options.minConfidence()) {
                candidates.add(i);
            }
        }
        candidates.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Integer> kept = new ArrayList<>();
        int limit = Math.min(options.maxResults(), scores.length);
        for (int i : candidates) {
            if (kept.size() >= limit) {
                break;
            }
            boolean suppressed = false;
            for (int j = kept.size() - 1; j >= 0 && !suppressed; j--) {
                suppressed = iou(boxes, i, kept.get(j)) > options.iouThreshold();
            }
            if (!suppressed) {
                kept.add(i);
            }
        }
        int side = Math.max(width, height);
        double scale = (double) SsdMobilenetV1.INPUT_SIZE / side;
        double padX = SsdMobilenetV1.INPUT_SIZE / (double) Math.round(width * scale);
        double padY = SsdMobilenetV1.INPUT_SIZE / (double) Math.round(height * scale);
        List<ScoredBox> faces = new ArrayList<>();
        for (int i : kept) {
            double top = Math.max(0, boxes[4 * i]) * padY;
            double left = Math.max(0, boxes[4 * i + 1]) * padX;
            double bottom = Math.min(1.0, boxes[4 * i + 2]) * padY;
            double right = Math.min(1.0, boxes[4 * i + 3]) * padX;
            if (right > left && bottom > top && Double.isFinite(right - left) && Double.isFinite(bottom - top)) {
                faces.add(new ScoredBox(new Box(left * width, top * height, (right - left) * width,
                        (bottom - top) * height), scores[i]));
            }
        }
        return faces;
    }

    /** face-api's IOU of two (ymin, xmin, ymax, xmax) boxes, in double as JavaScript computes it. */
    private static double iou(float[] boxes, int i, int j) {
        double yminI = Math.min(boxes[4 * i], boxes[4 * i + 2]);
        double xminI = Math.min(boxes[4 * i + 1], boxes[4 * i + 3]);
        double ymaxI = Math.max(boxes[4 * i], boxes[4 * i + 2]);
        double xmaxI = Math.max(boxes[4 * i + 1], boxes[4 * i + 3]);
        double yminJ = Math.min(boxes[4 * j], boxes[4 * j + 2]);
        double xminJ = Math.min(boxes[4 * j + 1], boxes[4 * j + 3]);
        double ymaxJ = Math.max(boxes[4 * j], boxes[4 * j + 2]);
        double xmaxJ = Math.max(boxes[4 * j + 1], boxes[4 * j + 3]);
        double areaI = (ymaxI - yminI) * (xmaxI - xminI);
        double areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
        if (areaI <= 0 || areaJ <= 0) {
            return 0;
        }
        double h = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0);
        double w = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
        double inter = h * w;
        return inter / (areaI + areaJ - inter);
    }

    @Override
    public void close() {
        net.close();
    }
}
