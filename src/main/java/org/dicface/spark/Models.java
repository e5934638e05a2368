package org.dicface.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import org.dicface.model.Precision;
import org.dicface.torch.Device;

/**
 * The models of this JVM (an executor): loaded once and kept for the JVM's life, so tasks do not load the weights
 * again. A model serves one task at a time (its forward keeps per-call state); an executor that runs tasks side by
 * side gets one model per task slot, lent and given back.
 */
final class Models {
    private record Key(DicFaceConfig config, Path weights, Device device, Precision precision) {
    }

    private static final Map<Key, Deque<DicFace>> IDLE = new HashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private Models() {
    }

    /** Runs {@code work} with a model of this configuration, weights, device and precision, loading one if none is free. */
    static <T> T use(DicFaceConfig config, Path weights, Device device, Precision precision, Function<DicFace, T> work) {
        Key key = new Key(config, weights.toAbsolutePath().normalize(), device, precision);
        DicFace model;
        synchronized (IDLE) {
            model = IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).poll();
        }
        if (model == null) {
            try {
                model = ModelLoader.load(config, weights, device, precision);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            LOADS.incrementAndGet();
        }
        try {
            return work.apply(model);
        } finally {
            synchronized (IDLE) {
                IDLE.get(key).push(model);
            }
        }
    }

    /** How many models this JVM has loaded. */
    static int loads() {
        return LOADS.get();
    }
}
