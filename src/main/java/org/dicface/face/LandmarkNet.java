package org.dicface.face;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dicface.nn.Init;
import org.dicface.nn.Layer;
import org.dicface.nn.Module;
import org.dicface.nn.Parameter;
import org.dicface.nn.SamePadding;
import org.dicface.nn.SeparableConv2d;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * face-api's 68-point landmark network (FaceLandmark68Net): four dense blocks of convolutions (the first
 * block starts with a plain 3x3 convolution, every other convolution is depthwise-separable; each block
 * halves the size, 112 to 7), a 7x7 average pool, and a fully connected layer giving 136 values: x0, y0,
 * x1, y1, ... as fractions of the network's square input. Parameter names are the TF.js weight names with
 * '/' read as '.' ({@code dense1.conv2.depthwise_filter}, {@code fc.weights}), in PyTorch's layout.
 *
 * <p>How a face is fed, as face-api does: the box's pixels are cut out of the frame (box clipped at the frame
 * border, then its corner and size floored), padded with black to a square (the larger half of the
 * padding after the face), resized to 112 x 112 with TensorFlow's legacy bilinear resize (output pixel i
 * samples input pixel i * side / 112, no half-pixel shift), and normalised as (rgb255 - mean rgb) / 255.
 *
 * <p>Coordinates: that resize maps pixel indices to pixel indices, so an output fraction f is the index
 * coordinate f * side in the padded square; the point in the frame is the crop's corner minus the padding
 * before the face plus f * side, which is the project's convention (pixel centres at integer coordinates).
 * A mirror test (the network on a face and on its mirror image, 12 faces: a point and its mirrored partner
 * must add up to 111 in this reading, 112 if the fractions were of pixel corners) gave 110.1 ± 0.2, so this
 * reading is the nearer one; the network's own bias of about half a pixel of its input is left as it is.
 * face-api maps back the same way except that it adds the detector box's unfloored corner where the crop
 * starts at the floored one, and subtracts half the padding where the padding before the face is the
 * smaller half: we do neither, since both move the points off the pixels the network saw (by up to a pixel
 * inside the frame, by the whole clipped part at its border).
 */
public final class LandmarkNet extends Module {
    public static final int INPUT_SIZE = 112;
    public static final int POINTS = Landmarks.FULL;
    private static final double[] MEAN_RGB = {122.782, 117.001, 104.298};

    private final List<DenseBlock> blocks = new ArrayList<>();
    private final FullyConnected fc;

    /** The bundled weights (face-api 1.7.15, MIT), a TF.js manifest beside its shard. */
    public static final String WEIGHTS = "face-api/face_landmark_68_model-weights_manifest.json";

    /** The network with undefined weights: {@link #load} fills it. */
    LandmarkNet() {
        int[] channels = {3, 32, 64, 128, 256};
        Init.undrawn(() -> {
            for (int i = 0; i < 4; i++) {
                blocks.add(child("dense" + i, new DenseBlock(channels[i], channels[i + 1], i == 0)));
            }
            return null;
        });
        this.fc = Init.undrawn(() -> child("fc", new FullyConnected(256, 2 * POINTS)));
    }

    /** The network with the bundled weights, on a device. */
    public static LandmarkNet load(Device device) throws IOException {
        return TfjsLayout.bundled(WEIGHTS, LandmarkNet::load, device);
    }

    /** The network with the weights of a TF.js manifest of face-api's face_landmark_68_model, on the CPU. */
    public static LandmarkNet load(TfjsWeights weights) {
        return TfjsLayout.load(new LandmarkNet(), weights, name -> name.endsWith("depthwise_filter"), "68-point landmark network");
    }

    /**
     * The network itself: {@code input} [N, 3, 112, 112], RGB 0-255 on the module's device, to [N, 136],
     * the points as fractions of the input's side.
     */
    public Tensor forward(Tensor input) {
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            Tensor mean = Tensor.of(new double[] {MEAN_RGB[0], MEAN_RGB[1], MEAN_RGB[2]}, 1, 3, 1, 1)
                    .to(input.device(), DType.FLOAT32);
            Tensor x = input.sub(mean).div(255);
            for (DenseBlock block : blocks) {
                x = block.forward(x);
            }
            x = x.mean(new long[] {2, 3}, false);  // the 7x7 'valid' average pool of a 7x7 map
            return scope.keep(fc.forward(x));
        }
    }

    /** The 68 points of the face in {@code box} of {@code frame} (RGB [3, H, W] in [-1, 1], on the CPU). */
    public Landmarks detect(Tensor frame, Box box) {
        return detect(frame, List.of(box)).getFirst();
    }

    /**
     * The 68 points of each face, in one batch. Every box must cover at least one pixel of the frame
     * ({@link FaceCrop#of} is not null).
     */
    public List<Landmarks> detect(Tensor frame, List<Box> boxes) {
        if (boxes.isEmpty()) {
            return List.of();
        }
        List<FaceCrop> crops = crops(frame, boxes);
        float[] out;
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            out = forward(inputs(frame, crops, INPUT_SIZE, device())).to(Device.CPU).toFloatArray();
        }
        List<Landmarks> result = new ArrayList<>();
        for (int i = 0; i < crops.size(); i++) {
            result.add(crops.get(i).toFrame(out, i * 2 * POINTS));
        }
        return result;
    }

    /** The crop of each box of {@code frame} (RGB [3, H, W]); every box must cover at least one pixel of the frame. */
    static List<FaceCrop> crops(Tensor frame, List<Box> boxes) {
        checkFrame(frame);
        int height = (int) frame.size(1);
        int width = (int) frame.size(2);
        List<FaceCrop> crops = new ArrayList<>();
        for (Box box : boxes) {
            FaceCrop crop = FaceCrop.of(box, width, height);
            if (crop == null) {
                throw new IllegalArgumentException("the face box " + box + " covers no pixel of the " + width + "x"
                        + height + " frame");
            }
            crops.add(crop);
        }
        return crops;
    }

    /** The crops as one batch [N, 3, size, size] of a face network's inputs (see {@link #input}), in the caller's scope. */
    static Tensor inputs(Tensor frame, List<FaceCrop> crops, int size, Device device) {
        try (Scope scope = Scope.open()) {
            List<Tensor> inputs = new ArrayList<>();
            for (FaceCrop crop : crops) {
                inputs.add(input(frame, crop, size, device));
            }
            return scope.keep(Tensor.stack(inputs, 0));
        }
    }

    /**
     * A face network's input for one face, as face-api makes it: [3, size, size], RGB 0-255, on {@code device}
     * (size 112 for this network). {@code frame} is RGB [3, H, W] in [-1, 1].
     */
    public static Tensor input(Tensor frame, FaceCrop crop, int size, Device device) {
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            Tensor pixels = frame.narrow(1, crop.y(), crop.height()).narrow(2, crop.x(), crop.width())
                    .to(device, DType.FLOAT32).add(1).mul(127.5);
            int side = crop.side();
            Tensor square = pixels.pad(new long[] {crop.padLeft(), side - crop.width() - crop.padLeft(), crop.padTop(),
                    side - crop.height() - crop.padTop()}, Tensor.PadMode.CONSTANT, 0);
            if (side == size) {
                return scope.keep(square.contiguous());
            }
            Tensor resize = legacyResize(side, size).to(device);
            return scope.keep(resize.matmul(square).matmul(resize.transpose(0, 1)).contiguous());
        }
    }

    /** The device the weights are on. */
    public Device device() {
        return fc.weights.get().device();
    }

    /**
     * TensorFlow's resizeBilinear (alignCorners and halfPixelCenters false) along one axis as a matrix
     * [out, in]: output pixel i reads input i * in / out, interpolating linearly to the next pixel.
     */
    static Tensor legacyResize(int in, int out) {
        float[] m = new float[out * in];
        TfResize[] taps = TfResize.taps(in, out);
        for (int i = 0; i < out; i++) {
            m[i * in + taps[i].lo()] += (float) (1 - taps[i].frac());
            m[i * in + taps[i].hi()] += (float) taps[i].frac();
        }
        return Tensor.of(m, out, in);
    }

    static void checkFrame(Tensor frame) {
        if (frame.dim() != 3 || frame.size(0) != 3 || frame.size(1) < 1 || frame.size(2) < 1) {
            throw new IllegalArgumentException("a frame must be RGB [3, H, W], got " + java.util.Arrays.toString(frame.shape()));
        }
    }

    /** Four convolutions, each fed the ReLU of the sum of the outputs before it (face-api's denseBlock4). */
    private static final class DenseBlock extends Module implements Layer {
        private final Layer conv0;
        private final SeparableConv2d conv1;
        private final SeparableConv2d conv2;
        private final SeparableConv2d conv3;

        DenseBlock(int in, int out, boolean first) {
            this.conv0 = first ? child("conv0", new Conv(in, out, 3, 2)) : child("conv0", new SeparableConv2d(in, out, 3, 2));
            this.conv1 = child("conv1", new SeparableConv2d(out, out, 3, 1));
            this.conv2 = child("conv2", new SeparableConv2d(out, out, 3, 1));
            this.conv3 = child("conv3", new SeparableConv2d(out, out, 3, 1));
        }

        @Override
        public Tensor forward(Tensor x) {
            try (Scope scope = Scope.open()) {
                Tensor out1 = conv0.forward(x).relu();
                Tensor out2 = conv1.forward(out1);
                Tensor sum2 = out1.add(out2);
                Tensor out3 = conv2.forward(sum2.relu());
                Tensor sum3 = sum2.add(out3);
                Tensor out4 = conv3.forward(sum3.relu());
                return scope.keep(sum3.add(out4).relu());
            }
        }
    }

    /** A plain convolution with TensorFlow's names (filters, bias) and 'same' padding. */
    private static final class Conv extends Module implements Layer {
        private final Parameter filters;
        private final Parameter bias;
        private final int stride;

        Conv(int in, int out, int kernel, int stride) {
            this.filters = parameter("filters", Init.uniform(1, out, in, kernel, kernel));
            this.bias = parameter("bias", Init.uniform(1, out));
            this.stride = stride;
        }

        @Override
        public Tensor forward(Tensor x) {
            return SamePadding.conv2d(x, filters.get(), bias.get(), stride, 1);
        }
    }

    /** x W^T + b with TensorFlow's names (weights [out, in] here, [in, out] in TF.js; bias). */
    private static final class FullyConnected extends Module implements Layer {
        private final Parameter weights;
        private final Parameter bias;

        FullyConnected(int in, int out) {
            this.weights = parameter("weights", Init.uniform(1, out, in));
            this.bias = parameter("bias", Init.uniform(1, out));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.linear(weights.get(), bias.get());
        }
    }
}
