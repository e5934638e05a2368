package org.dicface.face;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dicface.nn.Init;
import org.dicface.nn.Module;
import org.dicface.nn.Parameter;
import org.dicface.nn.SamePadding;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * face-api's face recognition network (FaceRecognitionNet, a ResNet-34-like network after dlib's): a 7x7
 * convolution with stride 2, a 3x3 max pool, residual blocks at 32, 64, 128 and 256 channels (each stage but the
 * first starts with a block that halves the size), a global average and a 256 x 128 matrix: a 128-value
 * descriptor of the face, compared by cosine similarity for identity. Every convolution is followed by a bias,
 * a per-channel scale and shift ({@code scale.weights}, {@code scale.biases}) and, except the second of a block,
 * a ReLU. Parameter names are the TF.js names with '/' read as '.'.
 *
 * <p>A face is fed as face-api feeds it (and as {@link LandmarkNet} is fed): the box's pixels, padded to a
 * square, resized to 150 x 150 with TensorFlow's legacy bilinear resize, normalised as (rgb255 - mean rgb) / 255.
 */
public final class FaceRecognitionNet extends Module {
    public static final int INPUT_SIZE = 150;
    public static final int DESCRIPTOR = 128;
    /** The bundled weights (face-api 1.7.15, MIT), a TF.js manifest beside its shard. */
    public static final String WEIGHTS = "face-api/face_recognition_model-weights_manifest.json";
    private static final double[] MEAN_RGB = {122.782, 117.001, 104.298};

    private final ConvLayer down;
    private final List<Residual> blocks;
    private final Parameter fc;

    /** The network with undefined weights: {@link #load} fills it. */
    FaceRecognitionNet() {
        this.down = Init.undrawn(() -> child("conv32_down", new ConvLayer(3, 32, 7)));
        this.blocks = Init.undrawn(() -> {
            List<Residual> list = new ArrayList<>();
            // name, channels in, channels out, halves the size
            Object[][] plan = {
                {"conv32_1", 32, 32, false}, {"conv32_2", 32, 32, false}, {"conv32_3", 32, 32, false},
                {"conv64_down", 32, 64, true}, {"conv64_1", 64, 64, false}, {"conv64_2", 64, 64, false},
                {"conv64_3", 64, 64, false}, {"conv128_down", 64, 128, true}, {"conv128_1", 128, 128, false},
                {"conv128_2", 128, 128, false}, {"conv256_down", 128, 256, true}, {"conv256_1", 256, 256, false},
                {"conv256_2", 256, 256, false}, {"conv256_down_out", 256, 256, true}};
            for (Object[] b : plan) {
                list.add(child((String) b[0], new Residual((int) b[1], (int) b[2], (boolean) b[3])));
            }
            return list;
        });
        this.fc = Init.undrawn(() -> parameter("fc", Init.uniform(1, DESCRIPTOR, 256)));
    }

    /** The network with the bundled weights, on a device. */
    public static FaceRecognitionNet load(Device device) throws IOException {
        return TfjsLayout.bundled(WEIGHTS, FaceRecognitionNet::load, device);
    }

    /** The network with the weights of a TF.js manifest of face-api's face_recognition_model, on the CPU. */
    public static FaceRecognitionNet load(TfjsWeights weights) {
        return TfjsLayout.load(new FaceRecognitionNet(), weights, name -> false, "face recognition network");
    }

    /** The network itself: {@code input} [N, 3, 150, 150], RGB 0-255 on the module's device, to [N, 128]. */
    public Tensor forward(Tensor input) {
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            Tensor mean = Tensor.of(MEAN_RGB, 1, 3, 1, 1).to(input.device(), DType.FLOAT32);
            Tensor x = down.forward(input.sub(mean).div(255), true, true).maxPool2d(3, 2);
            for (Residual block : blocks) {
                x = block.forward(x);
            }
            return scope.keep(x.mean(new long[] {2, 3}, false).linear(fc.get(), null));
        }
    }

    /** The descriptor of the face in each box of {@code frame} (RGB [3, H, W] in [-1, 1]), as float[128] each. */
    public List<float[]> describe(Tensor frame, List<Box> boxes) {
        if (boxes.isEmpty()) {
            return List.of();
        }
        List<FaceCrop> crops = LandmarkNet.crops(frame, boxes);
        float[] out;
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            out = forward(LandmarkNet.inputs(frame, crops, INPUT_SIZE, fc.get().device())).to(Device.CPU).toFloatArray();
        }
        List<float[]> result = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            result.add(java.util.Arrays.copyOfRange(out, i * DESCRIPTOR, (i + 1) * DESCRIPTOR));
        }
        return result;
    }

    /** A convolution ('same' with stride 1, 'valid' with stride 2), its bias, and the per-channel scale and shift. */
    private static final class ConvLayer extends Module {
        private final Conv conv;
        private final Scale scale;

        ConvLayer(int in, int out, int kernel) {
            this.conv = child("conv", new Conv(in, out, kernel));
            this.scale = child("scale", new Scale(out));
        }

        Tensor forward(Tensor x, boolean halve, boolean relu) {
            try (Scope scope = Scope.open()) {
                Tensor y = halve ? x.conv2d(conv.filters.get(), conv.bias.get(), 2, 2, 0, 0, 1, 1)
                        : SamePadding.conv2d(x, conv.filters.get(), conv.bias.get(), 1, 1);
                long c = y.size(1);
                y = y.mul(scale.weights.get().reshape(1, c, 1, 1)).add(scale.biases.get().reshape(1, c, 1, 1));
                return scope.keep(relu ? y.relu() : y);
            }
        }
    }

    private static final class Conv extends Module {
        private final Parameter filters;
        private final Parameter bias;

        Conv(int in, int out, int kernel) {
            this.filters = parameter("filters", Init.uniform(1, out, in, kernel, kernel));
            this.bias = parameter("bias", Init.uniform(1, out));
        }
    }

    private static final class Scale extends Module {
        private final Parameter weights;
        private final Parameter biases;

        Scale(int channels) {
            this.weights = parameter("weights", Init.uniform(1, channels));
            this.biases = parameter("biases", Init.uniform(1, channels));
        }
    }

    /**
     * Two convolutions and the input added back (face-api's residual); a halving block adds the input's 2x2
     * average instead, its channels padded with zeros to the output's, and the output padded with a row and a
     * column of zeros (after) where the average is one larger.
     */
    private static final class Residual extends Module {
        private final ConvLayer conv1;
        private final ConvLayer conv2;
        private final boolean halve;

        Residual(int in, int out, boolean halve) {
            this.conv1 = child("conv1", new ConvLayer(in, out, 3));
            this.conv2 = child("conv2", new ConvLayer(out, out, 3));
            this.halve = halve;
        }

        Tensor forward(Tensor x) {
            try (Scope scope = Scope.open()) {
                Tensor out = conv2.forward(conv1.forward(x, halve, true), false, false);
                Tensor shortcut = x;
                if (halve) {
                    long h = x.size(2) / 2;
                    long w = x.size(3) / 2;
                    shortcut = x.narrow(2, 0, 2 * h).narrow(3, 0, 2 * w).reshape(x.size(0), x.size(1), h, 2, w, 2)
                            .mean(new long[] {3, 5}, false);
                    if (shortcut.size(1) != out.size(1)) {
                        shortcut = shortcut.pad(new long[] {0, 0, 0, 0, 0, out.size(1) - shortcut.size(1)}, Tensor.PadMode.CONSTANT, 0);
                    }
                    if (shortcut.size(2) != out.size(2) || shortcut.size(3) != out.size(3)) {
                        out = out.pad(new long[] {0, 1, 0, 1}, Tensor.PadMode.CONSTANT, 0);
                    }
                }
                return scope.keep(out.add(shortcut).relu());
            }
        }
    }
}
