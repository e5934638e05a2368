package org.dicface.pipeline;

import java.util.List;
import java.util.function.Function;

import org.dicface.torch.Scope;
import org.dicface.torch.StepGraph;
import org.dicface.torch.Tensor;
import org.dicface.torch.TorchException;

/**
 * A CUDA graph's stand-in on the CPU: a capture keeps the step, its fixed inputs and outputs that hold nothing yet
 * (NaN, as captured outputs hold whatever their memory held); a replay runs the step again on what the inputs hold
 * and writes the results into those outputs, which is what a replay does to a graph's tensors.
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
    private List<Tensor> outputs;
    private Function<List<Tensor>, List<Tensor>> step;

    RerunGraph(Counts counts, boolean failCapture) {
        this.counts = counts;
        this.failCapture = failCapture;
        counts.open++;
    }

    @Override
    public List<Tensor> warmUp(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
        return step.apply(inputs);
    }

    @Override
    public List<Tensor> capture(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
        if (failCapture) {
            throw new TorchException("operation not permitted when stream is capturing");
        }
        this.inputs = inputs;
        this.step = step;
        outputs = Scope.unowned(() -> {
            try (Scope scope = Scope.open()) {
                return scope.keepAll(new java.util.ArrayList<>(step.apply(inputs).stream().map(t -> t.mul(Double.NaN)).toList()));
            }
        });
        counts.captures++;
        return outputs;
    }

    @Override
    public void replay() {
        try (Scope scope = Scope.open()) {
            List<Tensor> again = step.apply(inputs);
            for (int i = 0; i < outputs.size(); i++) {
                outputs.get(i).copyFrom(again.get(i));
            }
        }
        counts.replays++;
    }

    @Override
    public void close() {
        counts.open--;
    }
}
