package org.dicface.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Receives named intermediates of a forward pass (names as in the fixture's io.safetensors). The default
 * ignores them; {@link #collecting()} keeps a handle to each, outside every scope, until it is closed.
 */
public interface Probe {
    Probe NONE = (name, tensor) -> { };

    void record(String name, Tensor tensor);

    default boolean active() {
        return this != NONE;
    }

    static Collecting collecting() {
        return new Collecting();
    }

    /** Keeps what it is given. */
    final class Collecting implements Probe, AutoCloseable {
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();

        @Override
        public void record(String name, Tensor tensor) {
            Tensor previous = tensors.put(name, Scope.unowned(tensor::detach));
            if (previous != null) {
                previous.close();
            }
        }

        public Map<String, Tensor> tensors() {
            return tensors;
        }

        @Override
        public void close() {
            tensors.values().forEach(Tensor::close);
            tensors.clear();
        }
    }
}
