package org.dicface.model;

import java.util.Locale;

import org.dicface.torch.DType;
import org.dicface.torch.Device;

/**
 * The number format the network's weights and activations use. fp16 and bf16 halve the memory and run a
 * GPU's convolutions on tensor cores (bf16: same range as fp32, fewer digits; it also runs on the CPU, fp16
 * does not); the Dirichlet concentrations and the sampling stay in fp32 whatever the precision (see
 * {@link DirichletHead#alpha}), so only the network's features lose digits.
 */
public enum Precision {
    FP32(DType.FLOAT32), FP16(DType.FLOAT16), BF16(DType.BFLOAT16);

    private final DType dtype;

    Precision(DType dtype) {
        this.dtype = dtype;
    }

    public DType dtype() {
        return dtype;
    }

    /** "fp32", "fp16" or "bf16" (also "float32", "float16", "bfloat16"; any case). */
    public static Precision parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "fp16", "float16", "half" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown precision '" + text + "': use fp32, fp16 or bf16");
        };
    }

    /** Refuses fp16 on the CPU, where libtorch 1.13 has no half-precision convolution to run it with. */
    public void checkDevice(Device device) {
        if (this == FP16 && device.type() != Device.Type.CUDA) {
            throw new IllegalArgumentException("fp16 runs on a CUDA device only (libtorch's CPU convolution has no "
                    + "half-precision kernel): use --precision fp32 (or bf16) with --device " + device + ", or --device cuda");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
