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
        boolean ranOutOfMemory;
    }

    /**
     * Where this stand-in fails as a real graph can: never, in the capture, at begin (another graph begun), or out of
     * memory in its first warm-up.
     */
    enum Fail { NEVER, CAPTURE, BEGIN, OUT_OF_MEMORY_ONCE }

    private final Counts counts;
    private final Fail fail;
    private List<Tensor> inputs;
    private List<Tensor> outputs;
    private Function<List<Tensor>, List<Tensor>> step;

    RerunGraph(Counts counts, Fail fail) {
        this.counts = counts;
        this.fail = fail;
        counts.open++;
    }

    @Override
    public List<Tensor> warmUp(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
        if (fail == Fail.BEGIN) {
            throw new TorchException("a graph is already begun (one at a time per process)");
        }
        if (fail == Fail.OUT_OF_MEMORY_ONCE && !counts.ranOutOfMemory) {
            counts.ranOutOfMemory = true;
            throw new TorchException("CUDA out of memory. Tried to allocate 2.00 GiB");
        }
        return step.apply(inputs);
    }

    @Override
    public List<Tensor> capture(List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
        if (fail == Fail.CAPTURE) {
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
