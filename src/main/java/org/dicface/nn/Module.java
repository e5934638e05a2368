package org.dicface.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * A network module with named parameters, as in PyTorch: its parameters and sub-modules are registered
 * under names, so that the full names ({@code encoder.blocks.4.conv_out.weight}) equal the keys of the
 * official state dict. The module owns its parameter tensors and frees them in {@link #close()}.
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter; the module takes ownership (it is removed from any open scope). */
    protected final Parameter parameter(String name, Tensor value) {
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        Tensor owned = Scope.unowned(() -> {
            try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
                return value.detach().requiresGrad(value.dtype().isFloatingPoint());
            }
        });
        value.close();
        Parameter p = new Parameter(owned);
        parameters.put(name, p);
        return p;
    }

    protected final <M extends Module> M child(String name, M module) {
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        children.put(name, module);
        return module;
    }

    /** All parameters with their full names, in registration order (= the official state-dict order). */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> result = new LinkedHashMap<>();
        collect("", result);
        return result;
    }

    private void collect(String prefix, Map<String, Tensor> into) {
        parameters.forEach((name, p) -> into.put(prefix + name, p.get()));
        children.forEach((name, m) -> m.collect(prefix + name + ".", into));
    }

    /** The parameters by name (the tensors themselves, not copies). */
    public final Map<String, Tensor> stateDict() {
        return namedParameters();
    }

    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) {
            n += t.numel();
        }
        return n;
    }

    /**
     * Copies every tensor of {@code state} into the parameter of the same name. Strict: a missing,
     * unexpected or mis-shaped key is an error, and all of them are reported at once; nothing is copied
     * unless everything matches.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        state.forEach((k, v) -> shapes.put(k, v.shape()));
        loadStateDict(shapes, name -> {
            Tensor t = state.get(name);
            return Scope.unowned(t::detach);
        });
    }

    /**
     * The same from a source read one tensor at a time: {@code shapes} names every tensor the source holds,
     * {@code loader} reads one (the caller of loader gives it back by closing it). Only one tensor beyond
     * the model's own parameters is in memory at any time.
     */
    public final void loadStateDict(Map<String, long[]> shapes, java.util.function.Function<String, Tensor> loader) {
        Map<String, Tensor> own = namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (var e : own.entrySet()) {
            long[] given = shapes.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!java.util.Arrays.equals(given, e.getValue().shape())) {
                mismatched.add(e.getKey() + ": checkpoint " + java.util.Arrays.toString(given) + ", model "
                        + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        List<String> unexpected = shapes.keySet().stream().filter(k -> !own.containsKey(k)).sorted().toList();
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new StateDictException(getClass().getSimpleName(), missing, unexpected, mismatched);
        }
        try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
            for (var e : own.entrySet()) {
                try (Tensor value = loader.apply(e.getKey())) {
                    e.getValue().copyFrom(value);
                }
            }
        }
    }

    public final boolean isTraining() {
        return training;
    }

    /** Training or evaluation mode, for this module and all below it. */
    public final void train(boolean on) {
        training = on;
        children.values().forEach(m -> m.train(on));
    }

    public final void eval() {
        train(false);
    }

    /** Sets requires_grad on every parameter whose full name starts with {@code prefix} ("" for all). */
    public final int setTrainable(String prefix, boolean trainable) {
        int n = 0;
        for (var e : namedParameters().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                e.getValue().requiresGrad(trainable);
                n++;
            }
        }
        return n;
    }

    /** Moves every parameter to a device and dtype (keeping which ones train); returns this module. */
    public final Module to(org.dicface.torch.Device device, org.dicface.torch.DType dtype) {
        for (Parameter p : parameters.values()) {
            Tensor old = p.get();
            if (old.device().equals(device) && old.dtype() == dtype) {
                continue;
            }
            Tensor moved = Scope.unowned(() -> {
                try (GradMode.Guard g = GradMode.NO_GRAD.enter()) {
                    return old.to(device, dtype).requiresGrad(old.requiresGrad() && dtype.isFloatingPoint());
                }
            });
            p.set(moved);
            old.close();
        }
        children.values().forEach(m -> m.to(device, dtype));
        return this;
    }

    /** Frees every parameter of this module and the modules below it. */
    @Override
    public void close() {
        parameters.values().forEach(p -> p.get().close());
        children.values().forEach(Module::close);
    }
}
