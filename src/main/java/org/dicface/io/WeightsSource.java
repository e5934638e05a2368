package org.dicface.io;

import java.util.Map;

import org.dicface.torch.Tensor;

/**
 * The tensors of a weights file, read one at a time: the names and shapes are known up front (for strict
 * checks), and each tensor is loaded only when asked for, so that filling a model never needs a second full
 * copy of the weights in memory.
 */
public interface WeightsSource extends AutoCloseable {
    /** Names and shapes, in file order. */
    Map<String, long[]> shapes();

    /** Loads one tensor; the caller owns it. */
    Tensor load(String name);

    Checkpoints.Format format();

    /** Which part of the file the weights come from ("params_ema" for official files; "" for the whole file). */
    String section();

    @Override
    void close();
}
