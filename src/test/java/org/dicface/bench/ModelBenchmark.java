package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.Flops;
import org.dicface.model.Probe;
import org.dicface.model.Sampling;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;

/**
 * The model benchmark of scripts/bench-model.sh: one 5-frame group at the given configuration (default the
 * official one, 512x512) on the CPU or a GPU: seconds for encoder + MultiScaleFuse per frame, the
 * transformer per group, the generator per frame; FLOPs from the config; achieved GFLOP/s against a 3x3
 * conv2d [5,64,128,128] measured in the same run; peak resident memory. Weights are random: time does not
 * depend on them. Ends with a RESULT line.
 * Usage: ModelBenchmark [official|config.json] [cpu|cuda] [fp32|fp16|bf16]
 */
public final class ModelBenchmark {
    private ModelBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        DicFaceConfig config = DicFaceConfig.resolve(args.length > 0 ? args[0] : "official");
        Device device = Device.parse(args.length > 1 ? args[1] : "cpu");
        org.dicface.model.Precision precision = org.dicface.model.Precision.parse(args.length > 2 ? args[2] : "fp32");
        org.dicface.model.ModelLoader.checkPlacement(device, precision);
        org.dicface.torch.DType dtype = precision.dtype();
        Torch.init();
        System.out.printf("# %s, %dx%d, device %s, %s, threads %d%n", args.length > 0 ? args[0] : "official",
                config.imgSize(), config.imgSize(), device, dtype, Torch.numThreads());
        double convGflops;
        try (GradMode.Guard g = GradMode.INFERENCE.enter(); Scope s = Scope.open()) {
            Tensor x = Tensor.normal(0, 1, null, dtype, device, 5, 64, 128, 128);
            Tensor w = Tensor.normal(0, 0.05, null, dtype, device, 64, 64, 3, 3);
            double sec = best(3, () -> x.conv2d(w, null, 1, 1));
            convGflops = 2.0 * 64 * 64 * 9 * 128 * 128 * 5 / sec / 1e9;
        }
        int t = config.frameLength();
        try (DicFace model = new DicFace(config); GradMode.Guard g = GradMode.INFERENCE.enter(); Scope scope = Scope.open()) {
            org.dicface.model.ModelLoader.place(model, device, precision);
            Tensor frame = Tensor.uniform(-1, 1, null, dtype, device, 1, 3, config.imgSize(), config.imgSize());
            double encode = best(2, () -> {
                try (DicFace.Encoded e = model.encode(frame, Probe.NONE)) {
                    return e.lqFeat().copy();
                }
            });
            DicFace.Encoded one = model.encode(frame, Probe.NONE);
            Tensor group = one.lqFeat().expand(t, config.codebookDim(), config.latentSize(), config.latentSize()).contiguous();
            double transformer = best(3, () -> model.logits(model.transformer(group, Probe.NONE)));
            Tensor alpha = org.dicface.model.DirichletHead.alpha(model.logits(model.transformer(group, Probe.NONE)).narrow(0, 0, 1));
            Tensor wts = new Sampling.Mean().weights(alpha, null);
            double decode = best(2, () -> model.decode(model.latent(wts), one.skips(), 1.0));
            one.close();
            double fEnc = Flops.encodePerFrame(config);
            double fTr = Flops.transformerPerGroup(config);
            double fDec = Flops.decodePerFrame(config);
            double perOutputFrame = encode + transformer + decode;  // streaming: each frame encoded once, one group and one decode per output
            double gflops = (fEnc + fTr + fDec) / perOutputFrame / 1e9;
            long peakKb = peakRssKb();
            System.out.printf("encoder+MultiScaleFuse per frame: %8.3f s  %8.1f GFLOP  %6.1f GFLOP/s%n", encode, fEnc / 1e9, fEnc / encode / 1e9);
            System.out.printf("transformer+head per group:       %8.3f s  %8.1f GFLOP  %6.1f GFLOP/s%n", transformer, fTr / 1e9, fTr / transformer / 1e9);
            System.out.printf("generator per frame:              %8.3f s  %8.1f GFLOP  %6.1f GFLOP/s%n", decode, fDec / 1e9, fDec / decode / 1e9);
            System.out.printf("streaming, per output frame:      %8.3f s  (%.3f frames/s)%n", perOutputFrame, 1 / perOutputFrame);
            System.out.printf("reference conv2d: %.1f GFLOP/s; model: %.1f GFLOP/s = %.0f %% of it; peak RSS %d MB%n",
                    convGflops, gflops, 100 * gflops / convGflops, peakKb / 1024);
            System.out.printf("RESULT encode_s=%.3f transformer_s=%.3f generator_s=%.3f per_frame_s=%.3f fps=%.4f encode_gflop=%.1f "
                    + "transformer_gflop=%.1f generator_gflop=%.1f model_gflops=%.1f conv_gflops=%.1f efficiency=%.2f peak_rss_mb=%d%n",
                    encode, transformer, decode, perOutputFrame, 1 / perOutputFrame, fEnc / 1e9, fTr / 1e9, fDec / 1e9, gflops,
                    convGflops, gflops / convGflops, peakKb / 1024);
        }
    }

    /** Seconds of the fastest of {@code runs} runs after one warm-up run. */
    private static double best(int runs, Supplier<Tensor> work) {
        work.get().close();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            try (Tensor out = work.get()) {
                out.numel();
                if (out.device().type() == Device.Type.CUDA) {
                    out.sum().item();  // waits for the GPU
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    private static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

}
