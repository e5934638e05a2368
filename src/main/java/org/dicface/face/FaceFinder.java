package org.dicface.face;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dicface.torch.Device;
import org.dicface.torch.Tensor;

/**
 * Faces with their 68 landmarks in a frame, as face-api's
 * {@code detectAllFaces(img, new SsdMobilenetv1Options()).withFaceLandmarks()}: the detector's boxes
 * ({@link FaceDetector}), then each box's pixels cut out as face-api's extractFaceTensors does (the box clipped
 * at the frame, corner and size floored: {@link FaceCrop}) and run through the landmark network in one batch
 * ({@link LandmarkNet}). Both networks use the bundled weights, loaded once, on one device (CPU or CUDA).
 *
 * <p>The scores are the detector's; the boxes are the detector's moved by half a pixel up and left, from
 * face-api's coordinates (pixel edges at integers, pixel i covering [i, i + 1)) to the project's (pixel centres
 * at integers); the landmarks are in frame pixels with pixel centres at integer coordinates, placed at the
 * crop's actual corner and padding, which face-api itself misses by up to a pixel (see {@link LandmarkNet}).
 */
public final class FaceFinder implements AutoCloseable {

    /**
     * Which faces count: a detector score above {@code minConfidence} (face-api's default 0.5), a box at
     * least {@code minFaceSize} pixels on its shorter side (0: any), at most {@code maxFaces} per frame, the
     * best scores first.
     */
    public record Options(double minConfidence, double minFaceSize, int maxFaces) {
        public static final Options DEFAULT = new Options(FaceDetector.Options.DEFAULT.minConfidence(), 0,
                FaceDetector.Options.DEFAULT.maxResults());

        public Options {
            if (!(minConfidence > 0 && minConfidence < 1)) {
                throw new IllegalArgumentException("the minimum face score must lie strictly between 0 and 1, got "
                        + minConfidence);
            }
            if (!(minFaceSize >= 0 && Double.isFinite(minFaceSize))) {
                throw new IllegalArgumentException("the minimum face size must be 0 or more pixels, got " + minFaceSize);
            }
            if (maxFaces < 1) {
                throw new IllegalArgumentException("the maximum number of faces must be at least 1, got " + maxFaces);
            }
        }

        public Options minConfidence(double value) {
            return new Options(value, minFaceSize, maxFaces);
        }

        public Options minFaceSize(double value) {
            return new Options(minConfidence, value, maxFaces);
        }

        public Options maxFaces(int value) {
            return new Options(minConfidence, minFaceSize, value);
        }
    }

    private final FaceDetector detector;
    private final LandmarkNet landmarks;
    private final Options options;

    private FaceFinder(FaceDetector detector, LandmarkNet landmarks, Options options) {
        this.detector = detector;
        this.landmarks = landmarks;
        this.options = options;
    }

    /** Both networks with the bundled weights, on a device, with face-api's default options. */
    public static FaceFinder load(Device device) throws IOException {
        return load(device, Options.DEFAULT);
    }

    public static FaceFinder load(Device device, Options options) throws IOException {
        FaceDetector detector = FaceDetector.load(device);
        try {
            return new FaceFinder(detector, LandmarkNet.load(device), options);
        } catch (IOException | RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    public Options options() {
        return options;
    }

    public Device device() {
        return detector.device();
    }

    /** The faces of one frame, RGB [3, H, W] in [-1, 1] on the CPU, best score first. */
    public List<Detection> find(Tensor frame) {
        return find(frame, options);
    }

    public List<Detection> find(Tensor frame, Options options) {
        LandmarkNet.checkFrame(frame);
        int height = Math.toIntExact(frame.size(1));
        int width = Math.toIntExact(frame.size(2));
        List<ScoredBox> faces = new ArrayList<>();
        FaceDetector.Options detection = detector.options().minConfidence(options.minConfidence());
        for (ScoredBox face : detector.detect(frame, detection)) {
            Box b = face.box();
            if (faces.size() < options.maxFaces() && Math.min(b.width(), b.height()) >= options.minFaceSize()
                    && FaceCrop.of(b, width, height) != null) {
                faces.add(face);
            }
        }
        List<Landmarks> points = landmarks.detect(frame, faces.stream().map(ScoredBox::box).toList());
        List<Detection> result = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            result.add(new Detection(faces.get(i).box().moved(-0.5, -0.5), faces.get(i).score(), points.get(i)));
        }
        return result;
    }

    @Override
    public void close() {
        try {
            detector.close();
        } finally {
            landmarks.close();
        }
    }
}
