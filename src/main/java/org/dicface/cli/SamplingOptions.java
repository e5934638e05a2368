package org.dicface.cli;

import org.dicface.pipeline.RunOptions;
import picocli.CommandLine.Option;

/**
 * The sampling control and device options that forward and the batch commands share (a picocli mixin); their
 * defaults and their parsing are {@link RunOptions}', which the Fiji commands use too.
 */
final class SamplingOptions {
    @Option(names = "--sampling", defaultValue = RunOptions.SAMPLING,
            description = "sample (official: one seeded Dirichlet draw), mean, mc:K (K up to 1000), argmax or topk:K (K up to the"
                    + " codebook's size) (default: ${DEFAULT-VALUE})")
    String sampling;

    @Option(names = "--seed", description = "seed of the sampling; same settings, same numbers (default: ${DEFAULT-VALUE})")
    long seed = RunOptions.SEED;

    @Option(names = "--fidelity", description = "fidelity weight in [0,1] of the encoder-feature fusion (official: ${DEFAULT-VALUE})")
    double fidelity = RunOptions.FIDELITY;

    @Option(names = "--device", defaultValue = RunOptions.DEVICE,
            description = "auto (CUDA when there is one), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--precision", defaultValue = RunOptions.PRECISION, description = "fp32 (exact), tf32 (fp32 on a GPU's TF32 tensor cores), fp16 (CUDA only) or bf16: the last three are faster on a GPU, the half-size ones take half the memory (default: ${DEFAULT-VALUE})")
    String precision;

    /** The options parsed, with this uncertainty map (the batch commands' own option; forward makes none). */
    RunOptions parse(String uncertainty) {
        return RunOptions.parse(sampling, seed, fidelity, device, precision, uncertainty);
    }
}
