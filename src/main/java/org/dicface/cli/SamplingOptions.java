package org.dicface.cli;

import java.util.Locale;

import org.dicface.model.Precision;
import org.dicface.model.Sampling;
import org.dicface.pipeline.Settings;
import org.dicface.torch.Device;
import picocli.CommandLine.Option;

/** The sampling control and device options that forward and the batch commands share (a picocli mixin). */
final class SamplingOptions {
    @Option(names = "--sampling", defaultValue = "sample",
            description = "sample (official: one seeded Dirichlet draw), mean, mc:K, argmax or topk:K (default: ${DEFAULT-VALUE})")
    String sampling;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the sampling; same settings, same numbers (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--fidelity", defaultValue = "1.0", description = "fidelity weight in [0,1] of the encoder-feature fusion (official: ${DEFAULT-VALUE})")
    double fidelity;

    @Option(names = "--device", defaultValue = "auto", description = "auto (CUDA when there is one), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 (exact), tf32 (fp32 on a GPU's TF32 tensor cores), fp16 (CUDA only) or bf16: the last three are faster on a GPU, the half-size ones take half the memory (default: ${DEFAULT-VALUE})")
    String precision;

    Sampling mode() {
        return Sampling.parse(sampling);
    }

    Device dev() {
        return Device.parse(device);
    }

    Precision prec() {
        return Precision.parse(precision);
    }

    Settings settings(String uncertainty) {
        return new Settings(mode(), seed, fidelity, Settings.Uncertainty.valueOf(uncertainty.trim().toUpperCase(Locale.ROOT)));
    }
}
