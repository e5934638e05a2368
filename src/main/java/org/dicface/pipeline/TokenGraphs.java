package org.dicface.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.dicface.torch.Scope;
import org.dicface.torch.StepGraph;
import org.dicface.torch.Tensor;
import org.dicface.torch.TorchException;

/**
 * The token part of a step (transformer and Dirichlet head on a batch's windows) as graphs, one per input shape
 * (docs/ARCHITECTURE.md, decision 31). A shape's first step runs call by call; its second warms a graph up and
 * captures it; later ones copy their windows into the graph's input and replay it. A shape seen once (a clip's last,
 * shorter step) is never captured. If a capture fails, the rest runs call by call, after one note.
 */
final class TokenGraphs implements AutoCloseable {
    private final Supplier<StepGraph> graphs;
    private final Map<List<Long>, Integer> seen = new HashMap<>();
    private final Map<List<Long>, Captured> captured = new HashMap<>();
    private boolean failed;

    private record Captured(StepGraph graph, Tensor input, Tensor output) implements AutoCloseable {
        @Override
        public void close() {
            output.close();
            input.close();
            graph.close();
        }
    }

    TokenGraphs(Supplier<StepGraph> graphs) {
        this.graphs = graphs;
    }

    /**
     * {@code step.apply(input)}, the same values however it is run; the result belongs to the caller's scope. A failed
     * capture is told to {@code note}.
     */
    Tensor apply(Tensor input, UnaryOperator<Tensor> step, Consumer<String> note) {
        if (failed) {
            return step.apply(input);
        }
        List<Long> key = key(input);
        Captured c = captured.get(key);
        if (c != null) {
            c.input().copyFrom(input);
            c.graph().replay();
            return c.output().copy();  // the next replay overwrites the output; a look-ahead step still needs it
        }
        if (seen.merge(key, 1, Integer::sum) < 2) {
            return step.apply(input);
        }
        return captureAfter(key, input, step, note);
    }

    private Tensor captureAfter(List<Long> key, Tensor input, UnaryOperator<Tensor> step, Consumer<String> note) {
        StepGraph graph;
        try {
            graph = graphs.get();
        } catch (TorchException | IllegalArgumentException e) {
            return fallBack(e, step.apply(input), note);
        }
        Tensor out;
        try {
            out = graph.warmUp(input, step);
        } catch (RuntimeException e) {
            graph.close();
            throw e;  // what the step itself raised (out of memory, say), as without graphs
        }
        Tensor fixedInput = null;
        try {
            fixedInput = Scope.unowned(input::copy);
            captured.put(key, new Captured(graph, fixedInput, graph.capture(fixedInput, step)));
        } catch (TorchException e) {
            if (fixedInput != null) {
                fixedInput.close();
            }
            graph.close();
            return fallBack(e, out, note);
        }
        return out;
    }

    private Tensor fallBack(RuntimeException e, Tensor out, Consumer<String> note) {
        failed = true;
        clear();
        note.accept("CUDA graphs do not work here (" + e.getMessage().lines().findFirst().orElse("") + "): the network's"
                + " token part goes on call by call");
        return out;
    }

    private static List<Long> key(Tensor input) {
        List<Long> key = new ArrayList<>();
        for (long d : input.shape()) {
            key.add(d);
        }
        key.add((long) input.dtype().ordinal());
        return key;
    }

    /** Graphs captured (for tests and benchmarks). */
    int capturedGraphs() {
        return captured.size();
    }

    /** Frees every graph and forgets the shapes seen (a smaller batch after running out of memory). */
    void clear() {
        captured.values().forEach(Captured::close);
        captured.clear();
        seen.clear();
    }

    @Override
    public void close() {
        clear();
    }
}
