package org.dicface.face;

import java.util.ArrayList;
import java.util.List;

import org.dicface.nn.Module;
import org.dicface.nn.Parameter;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * face-api's face detector network ({@code SsdMobilenetv1}): a MobileNetV1 backbone (a 3x3 convolution, then 13
 * depthwise-separable pairs), eight more convolutions, and six box predictors (box encodings and class scores
 * for 3 anchors per cell on the 32x32 map of pair 11, 6 anchors per cell on the 16, 8, 4, 2 and 1 cell maps), 5118
 * anchors in all, decoded against the stored anchors as the TensorFlow object-detection API does (scales 10, 10,
 * 5, 5). Input [N, 3, 512, 512] in [-1, 1]; {@link FaceDetector} prepares frames and picks the faces.
 *
 * <p>Parameter names are the TF.js weight names with '/' read as '.' (so {@link #load} needs no table); kernels
 * are stored in PyTorch's layout. Every activation is relu6 and every padding TensorFlow's 'same', which for the
 * stride-2 layers on even sizes pads only right and bottom.
 */
public final class SsdMobilenetV1 extends Module {
    public static final int INPUT_SIZE = 512;
    public static final int ANCHORS = 5118;
    /** TF.js's batch-norm epsilon in this model (float32 of 0.001). */
    private static final double EPSILON = 0.0010000000474974513;
    /** The pairs whose depthwise convolution has stride 2. */
    private static final List<Integer> STRIDE_2 = List.of(2, 4, 6, 12);

    /** The decoded output: boxes [N, 5118, 4] as (ymin, xmin, ymax, xmax) relative to the input, scores [N, 5118]. */
    public record Output(Tensor boxes, Tensor scores) {
    }

    /** A module whose children are registered by name from outside (the TF.js name scopes). */
    private static final class Named extends Module {
        <M extends Module> M add(String name, M module) {
            return child(name, module);
        }
    }

    private final PointwiseConv conv0;
    private final List<DepthwiseConv> depthwise = new ArrayList<>();
    private final List<PointwiseConv> pointwise = new ArrayList<>();
    private final List<PointwiseConv> extra = new ArrayList<>();
    private final List<BoxPredictor> predictors = new ArrayList<>();
    private final Parameter anchors;

    public SsdMobilenetV1() {
        Named backbone = child("MobilenetV1", new Named());
        conv0 = backbone.add("Conv2d_0_pointwise", new PointwiseConv(3, 32, 3, 2));
        int[] widths = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
        for (int i = 1; i <= 13; i++) {
            int stride = STRIDE_2.contains(i) ? 2 : 1;
            depthwise.add(backbone.add("Conv2d_" + i + "_depthwise", new DepthwiseConv(widths[i - 1], stride)));
            pointwise.add(backbone.add("Conv2d_" + i + "_pointwise", new PointwiseConv(widths[i - 1], widths[i], 1, 1)));
        }
        Named prediction = child("Prediction", new Named());
        int[][] convs = {{1024, 256, 1, 1}, {256, 512, 3, 2}, {512, 128, 1, 1}, {128, 256, 3, 2}, {256, 128, 1, 1},
            {128, 256, 3, 2}, {256, 64, 1, 1}, {64, 128, 3, 2}};
        for (int i = 0; i < convs.length; i++) {
            int[] c = convs[i];
            extra.add(prediction.add("Conv2d_" + i + "_pointwise", new PointwiseConv(c[0], c[1], c[2], c[3])));
        }
        // the feature maps the predictors read: pair 11, pair 13, then extra convolutions 1, 3, 5, 7
        int[] channels = {512, 1024, 512, 256, 256, 128};
        for (int i = 0; i < channels.length; i++) {
            predictors.add(prediction.add("BoxPredictor_" + i, new BoxPredictor(channels[i], i == 0 ? 3 : 6)));
        }
        anchors = child("Output", new Anchors()).extraDim;
    }

    /** The stored anchors: "Output/extra_dim" [1, 5118, 4], (ymin, xmin, ymax, xmax) relative. */
    private static final class Anchors extends Module {
        final Parameter extraDim = parameter("extra_dim", Tensor.zeros(1, ANCHORS, 4));
    }

    /** Boxes and scores for a batch of network inputs [N, 3, 512, 512] in [-1, 1]. */
    public Output forward(Tensor x) {
        try (Scope scope = Scope.open()) {
            Tensor out = conv0.forward(x);
            Tensor conv11 = null;
            for (int i = 0; i < depthwise.size(); i++) {
                out = pointwise.get(i).forward(depthwise.get(i).forward(out));
                if (i + 1 == 11) {
                    conv11 = out;
                }
            }
            List<Tensor> maps = new ArrayList<>(List.of(conv11, out));
            Tensor h = out;
            for (int i = 0; i < extra.size(); i++) {
                h = extra.get(i).forward(h);
                if (i % 2 == 1) {
                    maps.add(h);
                }
            }
            List<Tensor> encodings = new ArrayList<>();
            List<Tensor> classes = new ArrayList<>();
            for (int i = 0; i < predictors.size(); i++) {
                encodings.add(predictors.get(i).encodings(maps.get(i)));
                classes.add(predictors.get(i).classes(maps.get(i)));
            }
            Tensor boxes = decode(Tensor.cat(encodings, 1));
            // class 0 is the background; the face score is the sigmoid of class 1
            Tensor scores = Tensor.cat(classes, 1).narrow(2, 1, 1).sigmoid().flatten(1);
            return new Output(scope.keep(boxes), scope.keep(scores));
        }
    }

    /** Box encodings [N, 5118, 4] (ty, tx, th, tw) against the anchors, as face-api's decodeBoxesLayer. */
    private Tensor decode(Tensor e) {
        Tensor a = anchors.get();
        Tensor ay0 = a.narrow(2, 0, 1);
        Tensor ax0 = a.narrow(2, 1, 1);
        Tensor sizeY = a.narrow(2, 2, 1).sub(ay0);
        Tensor sizeX = a.narrow(2, 3, 1).sub(ax0);
        Tensor centerY = ay0.add(sizeY.div(2));
        Tensor centerX = ax0.add(sizeX.div(2));
        Tensor halfH = e.narrow(2, 2, 1).div(5).exp().mul(sizeY).div(2);
        Tensor halfW = e.narrow(2, 3, 1).div(5).exp().mul(sizeX).div(2);
        Tensor cy = e.narrow(2, 0, 1).div(10).mul(sizeY).add(centerY);
        Tensor cx = e.narrow(2, 1, 1).div(10).mul(sizeX).add(centerX);
        return Tensor.cat(List.of(cy.sub(halfH), cx.sub(halfW), cy.add(halfH), cx.add(halfW)), 2);
    }

    /**
     * A convolution with TensorFlow's 'same' padding: the output has ceil(size / stride) cells, and an uneven total
     * padding puts the extra row and column at the bottom and right (where PyTorch's padding is symmetric).
     */
    static Tensor convSame(Tensor x, Tensor weight, Tensor bias, int stride, int groups) {
        return org.dicface.nn.SamePadding.conv2d(x, weight, bias, stride, groups);
    }

    private static Tensor relu6(Tensor x) {
        return x.clamp(0, 6);
    }

    /**
     * A convolution with its batch norm folded into a bias by the exporter ("weights", "convolution_bn_offset"),
     * then relu6. face-api calls them all pointwise, though the first ones of the backbone and of the extra layers
     * with stride 2 are 3x3.
     */
    private static final class PointwiseConv extends Module {
        private final Parameter weights;
        private final Parameter offset;
        private final int stride;

        PointwiseConv(int in, int out, int kernel, int stride) {
            this.weights = parameter("weights", Tensor.zeros(out, in, kernel, kernel));
            this.offset = parameter("convolution_bn_offset", Tensor.zeros(out));
            this.stride = stride;
        }

        Tensor forward(Tensor x) {
            return relu6(convSame(x, weights.get(), offset.get(), stride, 1));
        }
    }

    /** The depthwise 3x3 convolution of a pair ("depthwise_weights"), its batch norm, relu6. */
    private static final class DepthwiseConv extends Module {
        private final Parameter weights;
        private final BatchNorm norm;
        private final int stride;
        private final int channels;

        DepthwiseConv(int channels, int stride) {
            this.weights = parameter("depthwise_weights", Tensor.zeros(channels, 1, 3, 3));
            this.norm = child("BatchNorm", new BatchNorm(channels));
            this.stride = stride;
            this.channels = channels;
        }

        Tensor forward(Tensor x) {
            // the batch norm folded into the kernel and a bias (a few thousand values, each pass)
            Tensor scale = norm.variance.get().add(EPSILON).rsqrt().mul(norm.gamma.get());
            Tensor kernel = weights.get().mul(scale.view(channels, 1, 1, 1));
            Tensor bias = norm.beta.get().sub(norm.mean.get().mul(scale));
            return relu6(convSame(x, kernel, bias, stride, channels));
        }
    }

    private static final class BatchNorm extends Module {
        final Parameter gamma;
        final Parameter beta;
        final Parameter mean;
        final Parameter variance;

        BatchNorm(int channels) {
            gamma = parameter("gamma", Tensor.ones(channels));
            beta = parameter("beta", Tensor.zeros(channels));
            mean = parameter("moving_mean", Tensor.zeros(channels));
            variance = parameter("moving_variance", Tensor.ones(channels));
        }
    }

    /** A 1x1 convolution with a bias ("weights", "biases"). */
    private static final class Conv1x1 extends Module {
        private final Parameter weights;
        private final Parameter biases;

        Conv1x1(int in, int out) {
            weights = parameter("weights", Tensor.zeros(out, in, 1, 1));
            biases = parameter("biases", Tensor.zeros(out));
        }

        Tensor forward(Tensor x) {
            return x.conv2d(weights.get(), biases.get(), 1, 0);
        }
    }

    /** Box encodings (4 per anchor) and class scores (background and face, plus an unused third) per cell. */
    private static final class BoxPredictor extends Module {
        private final Conv1x1 box;
        private final Conv1x1 cls;

        BoxPredictor(int in, int anchorsPerCell) {
            box = child("BoxEncodingPredictor", new Conv1x1(in, anchorsPerCell * 4));
            cls = child("ClassPredictor", new Conv1x1(in, anchorsPerCell * 3));
        }

        /** [N, H*W*A, 4] in TF's order (cell row, cell column, anchor). */
        Tensor encodings(Tensor x) {
            return perAnchor(box.forward(x), 4);
        }

        /** [N, H*W*A, 3]. */
        Tensor classes(Tensor x) {
            return perAnchor(cls.forward(x), 3);
        }

        private static Tensor perAnchor(Tensor y, int values) {
            return y.permute(0, 2, 3, 1).contiguous().reshape(y.size(0), -1, values);
        }
    }

    // ---- loading ----

    /** The network with the weights of a TF.js manifest of face-api's ssd_mobilenetv1_model, on the CPU. */
    public static SsdMobilenetV1 load(TfjsWeights weights) {
        return TfjsLayout.load(new SsdMobilenetV1(), weights, name -> name.endsWith(".depthwise_weights"), "SSD MobileNetV1 detector");
    }
}
