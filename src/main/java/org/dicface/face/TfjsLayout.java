package org.dicface.face;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.dicface.nn.Module;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * TF.js weights in PyTorch's layout, for the face networks: kernels [kh, kw, in, out] to [out, in, kh, kw];
 * depthwise kernels [kh, kw, channels, 1] to [channels, 1, kh, kw]; matrices [in, out] to [out, in]. A
 * parameter's name is the TF.js name with '/' read as '.'.
 */
final class TfjsLayout {
    private TfjsLayout() {
    }

    /**
     * {@code net} (new, with undefined weights) filled from {@code weights}, in inference mode; when the weights are
     * not those of the network (names or shapes), it is closed and the message names {@code what} it should be.
     */
    static <M extends Module> M load(M net, TfjsWeights weights, Predicate<String> depthwise, String what) {
        try {
            fill(net, weights, depthwise);
            return net;
        } catch (org.dicface.nn.StateDictException e) {
            net.close();
            throw new org.dicface.io.CheckpointException(weights.source() + " does not hold face-api's " + what + ": "
                    + e.getMessage());
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** A network with the bundled weights {@code resource} (beside {@code TfjsWeights}), moved to {@code device} in fp32. */
    static <M extends Module> M bundled(String resource, java.util.function.Function<TfjsWeights, M> load, org.dicface.torch.Device device)
            throws java.io.IOException {
        try (TfjsWeights weights = TfjsWeights.readResource(TfjsLayout.class, resource)) {
            M net = load.apply(weights);
            net.to(device, org.dicface.torch.DType.FLOAT32);
            return net;
        }
    }

    /** Fills {@code net}'s parameters from {@code weights}; {@code depthwise} names the depthwise kernels. */
    private static void fill(Module net, TfjsWeights weights, Predicate<String> depthwise) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : net.namedParameters().keySet()) {
            Tensor w = weights.tensors().get(tfjsName(name));
            if (w != null) {
                shapes.put(name, shape(w.shape(), depthwise.test(name)));
            }
        }
        net.loadStateDict(shapes, name -> toTorch(weights.get(tfjsName(name)), depthwise.test(name)));
        net.eval();
    }

    static String tfjsName(String name) {
        return name.replace('.', '/');
    }

    static long[] shape(long[] s, boolean depthwise) {
        if (s.length == 4) {
            return depthwise ? new long[] {s[2], s[3], s[0], s[1]} : new long[] {s[3], s[2], s[0], s[1]};
        }
        return s.length == 2 ? new long[] {s[1], s[0]} : s;
    }

    static Tensor toTorch(Tensor t, boolean depthwise) {
        return Scope.unowned(() -> {
            try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
                Tensor p = switch (t.dim()) {
                    case 4 -> depthwise ? t.permute(2, 3, 0, 1) : t.permute(3, 2, 0, 1);
                    case 2 -> t.transpose(0, 1);
                    default -> t.detach();
                };
                try (p) {
                    return p.contiguous();
                }
            }
        });
    }
}
