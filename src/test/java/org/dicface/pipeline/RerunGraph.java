package org.dicface.pipeline;

import java.util.List;
import java.util.function.Function;

import org.dicface.torch.Scope;
import org.dicface.torch.StepGraph;
import org.dicface.torch.Tensor;
import org.dicface.torch.TorchException;

/**
 * A CUDA graph's stand-in on the CPU: a capture keeps the step, its fixed inputs and an output that holds nothing yet
 * (NaN, as a captured output holds whatever its memory held); a replay runs the step again on what the inputs hold and
 * writes the result into that output, which is what a replay does to a graph's tensors.
 */
final class RerunGraph implements StepGraph {
    /** What the graphs of a run did; {@code open}: made and not yet closed. */
    static final class Counts {
        int captures;
        int replays;
        int open;
    }

    private final Counts counts;
    private final boolean failCapture;
    private List<Tensor> inputs;
    private Tensor output;
    private Function<List<Tensor>, Tensor> step;

    RerunGraph(Counts counts, boolean failCapture) {
        this.counts = counts;
        this.failCapture = failCapture;
        counts.open++;
    }

    @Override
    public Tensor warmUp(List<Tensor> inputs, Function<List<Tensor>, Tensor> step) {
        return step.apply(inputs);
    }

    @Override
    public Tensor capture(List<Tensor> inputs, Function<List<Tensor>, Tensor> step) {
        if (failCapture) {
            throw new TorchException("operation not permitted when stream is capturing");
        }
        this.inputs = inputs;
        this.step = step;
        output = Scope.unowned(() -> {
            try (Scope scope = Scope.open()) {
                return scope.keep(step.apply(inputs).mul(Double.NaN));
            }
        });
        counts.captures++;
        return output;
    }

    @Override
    public void replay() {
        try (Scope scope = Scope.open()) {
            output.copyFrom(step.apply(inputs));
        }
        counts.replays++;
    }

    @Override
    public void close() {
        counts.open--;
    }
}
