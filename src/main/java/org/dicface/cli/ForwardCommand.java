package org.dicface.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.dicface.io.SafeTensors;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import org.dicface.model.Probe;
import org.dicface.model.Sampling;
import org.dicface.pipeline.RunOptions;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dicface forward}: the model checked from outside. Input: a safetensors file with {@code input},
 * float32 [T,3,H,W] in [-1,1], T a multiple of frame_length (each group of frames is one temporal group, as
 * in the official batch layout). Output: {@code alpha} and {@code w} [T, tokens, N], {@code out} [T,3,H,W],
 * and the intermediates under the names of the fixture's io.safetensors. This contract is kept stable.
 */
@Command(name = "forward", description = "Run the network on a tensor file and write alpha, w, out and intermediates.")
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "official, or a config.json")
    String config;

    @Option(names = "--weights", required = true, description = ".safetensors or .pth")
    Path weights;

    @Option(names = "--input", required = true, description = "safetensors file holding 'input' [T,3,H,W]")
    Path input;

    @Option(names = "--output", required = true, description = "safetensors file to write (atomically)")
    Path output;

    @picocli.CommandLine.Mixin
    SamplingOptions options;

    @Override
    public Integer call() throws Exception {
        DicFaceConfig c = DicFaceConfig.resolve(config);
        RunOptions run = options.parse(RunOptions.UNCERTAINTY).checkFor(c);
        Sampling mode = run.settings().sampling();
        Device dev = run.device();
        double fidelity = run.settings().fidelity();
        long seed = run.settings().seed();
        Map<String, Tensor> result = new LinkedHashMap<>();
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.INFERENCE.enter();
                Tensor frames = readInput(c); DicFace model = ModelLoader.load(c, weights, dev, run.precision());
                Generator random = new Generator(seed); Probe.Collecting probe = Probe.collecting()) {
            DicFace.Result r = model.forward(frames.to(dev, model.dtype()), mode, random, fidelity, probe);
            probe.tensors().forEach((name, t) -> result.put(name.equals("quant") ? "quant_" + label(mode) : name, host(t)));
            result.put("alpha", host(r.alpha()));
            result.put("w", host(r.w()));
            result.put("out", host(r.out()));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("sampling", mode.name());
            meta.put("seed", Long.toString(seed));
            meta.put("fidelity", Double.toString(fidelity));
            meta.put("precision", run.precision().toString());
            meta.put("config", c.toJson());
            SafeTensors.write(output, result, meta);
            System.out.println("wrote " + output + ": alpha, w " + Arrays.toString(result.get("w").shape()) + ", out "
                    + Arrays.toString(result.get("out").shape()) + " and " + (result.size() - 3) + " intermediates");
        }
        return 0;
    }

    private static String label(Sampling mode) {
        return mode.name().replace(":", "");
    }

    private static Tensor host(Tensor t) {
        return t.to(Device.CPU, DType.FLOAT32);
    }

    private Tensor readInput(DicFaceConfig c) throws java.io.IOException {
        try (SafeTensors st = SafeTensors.open(input)) {
            SafeTensors.Entry e = st.entries().get("input");
            String expected = "float32 [T, 3, " + c.imgSize() + ", " + c.imgSize() + "] with T a multiple of " + c.frameLength();
            if (e == null) {
                throw new IllegalArgumentException(input + " has no tensor 'input' (" + expected + "); it holds "
                        + st.entries().size() + " other tensors, such as " + st.entries().keySet().stream().limit(5).toList());
            }
            long[] s = e.shape();
            if (e.dtype() != DType.FLOAT32 || s.length != 4 || s[1] != 3 || s[2] != c.imgSize() || s[3] != c.imgSize()
                    || s[0] == 0 || s[0] % c.frameLength() != 0) {
                throw new IllegalArgumentException("'input' in " + input + " is " + e.dtype() + " " + Arrays.toString(s)
                        + "; this model takes " + expected + " (pad a short clip by repeating its last frame)");
            }
            return st.load("input");
        }
    }
}
