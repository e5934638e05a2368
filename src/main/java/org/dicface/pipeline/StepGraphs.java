package org.dicface.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.dicface.torch.Scope;
import org.dicface.torch.StepGraph;
import org.dicface.torch.Tensor;
import org.dicface.torch.TorchException;

/**
 * Steps of fixed shapes as graphs (docs/ARCHITECTURE.md, decision 31), one per step and input shapes: the encoder (a
 * step's new frames), the token part (transformer and Dirichlet head on a batch's windows) and the generator (latent
 * and decoder on a batch's weights and skips). A shape's first step runs call by call; its second warms a graph up
 * and captures it; later ones copy their inputs into the graph's and replay it. A shape seen once (a clip's last,
 * shorter step) is never captured. If a capture fails, every step runs call by call from then on, after one note.
 */
final class StepGraphs implements AutoCloseable {
    private final Supplier<StepGraph> graphs;
    private final Map<List<Object>, Integer> seen = new HashMap<>();
    private final Map<List<Object>, Captured> captured = new HashMap<>();
    private boolean failed;

    private record Captured(StepGraph graph, List<Tensor> inputs, List<Tensor> outputs) implements AutoCloseable {
        @Override
        public void close() {
            outputs.forEach(Tensor::close);
            inputs.forEach(Tensor::close);
            graph.close();
        }
    }

    StepGraphs(Supplier<StepGraph> graphs) {
        this.graphs = graphs;
    }

    /**
     * {@code step.apply(inputs)}, the same values however it is run; the results belong to the caller's scope.
     * {@code name} tells steps apart; a failed capture is told to {@code note}.
     */
    List<Tensor> apply(String name, List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step, Consumer<String> note) {
        if (failed) {
            return step.apply(inputs);
        }
        List<Object> key = key(name, inputs);
        Captured c = captured.get(key);
        if (c != null) {
            for (int i = 0; i < inputs.size(); i++) {
                c.inputs().get(i).copyFrom(inputs.get(i));
            }
            c.graph().replay();
            // the next replay overwrites the outputs, while a look-ahead step or the encoder's cache still needs them
            return c.outputs().stream().map(Tensor::copy).toList();
        }
        if (seen.merge(key, 1, Integer::sum) < 2) {
            return step.apply(inputs);
        }
        return captureAfter(key, inputs, step, note);
    }

    private List<Tensor> captureAfter(List<Object> key, List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step,
            Consumer<String> note) {
        StepGraph graph;
        try {
            graph = graphs.get();
        } catch (TorchException | IllegalArgumentException e) {
            return fallBack(e, step.apply(inputs), note);
        }
        List<Tensor> out;
        try {
            out = graph.warmUp(inputs, step);
        } catch (TorchException e) {
            graph.close();
            if (Batching.isOutOfMemory(e)) {
                throw e;  // as without graphs: the restorer halves the batch
            }
            return fallBack(e, step.apply(inputs), note);  // another graph begun in this process, say
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
        List<Tensor> fixed = new ArrayList<>();
        try {
            Scope.unowned(() -> {
                inputs.forEach(t -> fixed.add(t.copy()));
                return null;
            });
            captured.put(key, new Captured(graph, fixed, graph.capture(fixed, step)));
        } catch (TorchException e) {
            fixed.forEach(Tensor::close);
            graph.close();
            return fallBack(e, out, note);
        }
        return out;
    }

    private List<Tensor> fallBack(RuntimeException e, List<Tensor> out, Consumer<String> note) {
        failed = true;
        clear();
        note.accept("CUDA graphs do not work here (" + e.getMessage().lines().findFirst().orElse("") + "): the network"
                + " goes on call by call");
        return out;
    }

    private static List<Object> key(String name, List<Tensor> inputs) {
        List<Object> key = new ArrayList<>();
        key.add(name);
        for (Tensor t : inputs) {
            key.add(t.dtype());
            key.add(java.util.Arrays.toString(t.shape()));
        }
        return key;
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
