package org.dicface.metrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicface.io.Checkpoints;
import org.dicface.io.WeightsSource;
import org.dicface.nn.Conv2d;
import org.dicface.nn.Module;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * LPIPS v0.1 with VGG16 (Zhang et al. 2018, the {@code lpips} package with net='vgg'): the inputs in [-1, 1]
 * through LPIPS's scaling layer, the VGG16 features after relu1_2, relu2_2, relu3_3, relu4_3 and relu5_3, each
 * normalised over channels, squared differences weighted by the learned 1x1 "linear" heads, averaged over
 * positions and summed over the five layers. Parameter names are torchvision's ({@code net.features.N.*}) and
 * the lpips file's ({@code linK.model.1.weight}); the weights load from the standard files and are not shipped.
 */
public final class Lpips extends Module {
    private static final int[] CONVS = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
    private static final int[] CHANNELS = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
    /** The layer index after whose ReLU each tapped feature is taken. */
    private static final List<Integer> TAPS = List.of(2, 7, 14, 21, 28);
    private static final double[] SHIFT = {-0.030, -0.088, -0.188};
    private static final double[] SCALE = {0.458, 0.448, 0.450};

    private final Features net;
    private final List<Head> heads = new ArrayList<>();

    /** torchvision's vgg16().features, parameters at their Sequential indices. */
    static final class Features extends Module {
        final Map<Integer, Conv2d> convs = new java.util.LinkedHashMap<>();

        Features() {
            Holder features = child("features", new Holder());
            int in = 3;
            for (int i = 0; i < CONVS.length; i++) {
                convs.put(CONVS[i], features.add(Integer.toString(CONVS[i]), new Conv2d(in, CHANNELS[i], 3)));
                in = CHANNELS[i];
            }
        }
    }

    /** An open container module (torch.nn.Sequential with gaps). */
    static class Holder extends Module {
        <M extends Module> M add(String name, M module) {
            return child(name, module);
        }
    }

    /** NetLinLayer: Sequential(Dropout, Conv2d(C, 1, 1, bias=False)) -> "model.1.weight". */
    static final class Head extends Module {
        final Conv2d conv;

        Head(int channels) {
            Holder model = child("model", new Holder());
            this.conv = model.add("1", new Conv2d(channels, 1, 1, Conv2d.Options.DEFAULT.withoutBias()));
        }
    }

    public Lpips() {
        this.net = child("net", new Features());
        int[] tapped = {64, 128, 256, 512, 512};
        for (int k = 0; k < 5; k++) {
            heads.add(child("lin" + k, new Head(tapped[k])));
        }
        eval();
    }

    /** Loads torchvision's VGG16 weights (vgg16-397923af.pth: features.* are used) and the lpips v0.1 heads (vgg.pth). */
    public static Lpips load(Path vgg16, Path linearHeads) throws IOException {
        Lpips lpips = new Lpips();
        try {
            Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
            try (WeightsSource vgg = Checkpoints.open(vgg16); WeightsSource lin = Checkpoints.open(linearHeads)) {
                vgg.shapes().forEach((k, s) -> {
                    if (k.startsWith("features.")) {
                        shapes.put("net." + k, s);
                    }
                });
                lin.shapes().forEach((k, s) -> {
                    if (k.startsWith("lin")) {
                        shapes.put(k, s);
                    }
                });
                lpips.loadStateDict(shapes, name -> name.startsWith("net.") ? vgg.load(name.substring(4)) : lin.load(name));
            }
            return lpips;
        } catch (IOException | RuntimeException e) {
            lpips.close();
            throw e;
        }
    }

    /** LPIPS distance per image pair of [N, 3, H, W] tensors in [-1, 1]: [N]. */
    public Tensor forward(Tensor a, Tensor b) {
        try (Scope scope = Scope.open()) {
            List<Tensor> fa = features(scale(a));
            List<Tensor> fb = features(scale(b));
            Tensor total = null;
            for (int k = 0; k < fa.size(); k++) {
                Tensor d = unit(fa.get(k)).sub(unit(fb.get(k))).square();
                Tensor layer = heads.get(k).conv.forward(d).mean(new long[] {1, 2, 3}, false);
                total = total == null ? layer : total.add(layer);
            }
            return scope.keep(total);
        }
    }

    /** The official training call: images in [-1, 1] mapped to [0, 1] and ImageNet-normalised before LPIPS (which scales them again). */
    public Tensor officialLoss(Tensor prediction, Tensor target) {
        try (Scope scope = Scope.open()) {
            Tensor mean = Tensor.of(new double[] {0.485, 0.456, 0.406}, 1, 3, 1, 1).to(prediction.device(), prediction.dtype());
            Tensor std = Tensor.of(new double[] {0.229, 0.224, 0.225}, 1, 3, 1, 1).to(prediction.device(), prediction.dtype());
            Tensor p = prediction.add(1).div(2).sub(mean).div(std);
            Tensor t = target.add(1).div(2).sub(mean).div(std);
            return scope.keep(forward(t, p).mean());
        }
    }

    private static Tensor scale(Tensor x) {
        Tensor shift = Tensor.of(SHIFT, 1, 3, 1, 1).to(x.device(), x.dtype());
        Tensor scale = Tensor.of(SCALE, 1, 3, 1, 1).to(x.device(), x.dtype());
        return x.sub(shift).div(scale);
    }

    private List<Tensor> features(Tensor x) {
        List<Tensor> taps = new ArrayList<>();
        Tensor h = x;
        for (int i = 0; i <= TAPS.get(TAPS.size() - 1); i++) {
            Conv2d conv = net.convs.get(i);
            if (conv != null) {
                h = conv.forward(h).relu();
                if (TAPS.contains(i)) {
                    taps.add(h);
                }
            } else if (i == 4 || i == 9 || i == 16 || i == 23) {
                h = h.maxPool2d(2, 2);
            }
        }
        return taps;
    }

    /** Each position's feature vector scaled to unit length (lpips.normalize_tensor, eps 1e-10). */
    private static Tensor unit(Tensor f) {
        return f.div(f.square().sum(new long[] {1}, true).sqrt().add(1e-10));
    }
}
