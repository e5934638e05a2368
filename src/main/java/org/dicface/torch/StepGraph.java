package org.dicface.torch;

import java.util.List;
import java.util.function.Function;

/**
 * A fixed-shape step recorded once and replayed: the shape of a CUDA graph ({@link CudaGraph}), so that code which
 * replays steps can be checked on the CPU with a stand-in that runs the step again.
 */
public interface StepGraph extends AutoCloseable {
    /** {@code step.apply(inputs)}, run where the capture will run, so that what it initialises lazily is done before. */
    List<Tensor> warmUp(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step);

    /**
     * Records {@code step} on {@code inputs}, which must stay alive and in place as long as this graph; returns the
     * outputs, which every {@link #replay} overwrites (owned by the caller, no scope). Nothing runs yet.
     */
    List<Tensor> capture(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step);

    /** The step again, on what the inputs hold now, into the outputs {@link #capture} gave. */
    void replay();

    @Override
    void close();
}
