package org.dicface.model;

import java.util.Locale;

import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Torch;

/**
 * The number format the network's weights and activations use. fp32 is exact IEEE arithmetic (matches the
 * official tensors to 1e-5 on a GPU too); tf32 keeps fp32 weights but lets a GPU's convolutions and matrix
 * products run on TF32 tensor cores (PyTorch's default for convolutions; about 1e-3 relative off). fp16 and
 * bf16 halve the memory (bf16: fp32's range, fewer digits; it also runs on the CPU, fp16 does not). The
 * Dirichlet concentrations and the sampling stay in fp32 whatever the precision (see
 * {@link DirichletHead#alpha}), so only the network's features lose digits.
 */
public enum Precision {
    FP32(DType.FLOAT32), TF32(DType.FLOAT32), FP16(DType.FLOAT16), BF16(DType.BFLOAT16);

    private final DType dtype;

    Precision(DType dtype) {
        this.dtype = dtype;
    }

    public DType dtype() {
        return dtype;
    }

    /** "fp32", "tf32", "fp16" or "bf16" (also "float32", "float16", "bfloat16"; any case). */
    public static Precision parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "tf32" -> TF32;
            case "fp16", "float16", "half" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown precision '" + text + "': use fp32, tf32, fp16 or bf16");
        };
    }

    /** Refuses fp16 on the CPU, where libtorch 1.13 has no half-precision convolution to run it with. */
    public void checkDevice(Device device) {
        if (this == FP16 && device.type() != Device.Type.CUDA) {
            throw new IllegalArgumentException("fp16 runs on a CUDA device only (libtorch's CPU convolution has no "
                    + "half-precision kernel): use --precision fp32 (or bf16) with --device " + device + ", or --device cuda");
        }
    }

    /** Sets libtorch's process-wide TF32 switch for this precision: on for tf32 only. */
    public void applyMathMode() {
        Torch.setAllowTf32(this == TF32);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
