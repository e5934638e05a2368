package org.dicface.pipeline;

import org.dicface.video.FrameSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.dicface.model.DicFace;
import org.dicface.model.Probe;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The per-frame part of the network (encoder + MultiScaleFuse) computed once per frame and kept while a
 * window may still need it (docs/ARCHITECTURE.md, decision 7): at most batch + frame_length - 1 entries, and one batch
 * more when the restorer looks a step ahead (on a GPU).
 */
final class EncoderCache implements AutoCloseable {
    private final DicFace model;
    private final FrameSource source;
    private final Device device;
    private final Steps steps;
    private final Map<Integer, DicFace.Encoded> entries = new LinkedHashMap<>();
    private int encoded;
    private int most;

    /** How a step of fixed shapes runs: call by call, or from a graph ({@link StepGraphs}); the same values. */
    @FunctionalInterface
    interface Steps {
        List<Tensor> run(String name, List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step);
    }

    EncoderCache(DicFace model, FrameSource source, Device device, Steps steps) {
        this.model = model;
        this.source = source;
        this.device = device;
        this.steps = steps;
    }

    DicFace.Encoded get(int index) {
        DicFace.Encoded e = entries.get(index);
        if (e == null) {  // the windows read each frame several times a step: only a miss encodes
            encode(index, index + 1);
            e = entries.get(index);
        }
        return e;
    }

    /**
     * Encodes the frames from {@code from} to {@code to} (exclusive) not held yet, as one batch; each frame's entry
     * is its slice of the batch. A frame's features do not depend on the others in the batch.
     */
    void encode(int from, int to) {
        List<Integer> missing = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (!entries.containsKey(i)) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        // outside every scope: the entries live until dropBefore or close
        Scope.unowned(() -> {
            try (Scope scope = Scope.open()) {
                List<Tensor> frames = new ArrayList<>(missing.size());
                for (int i : missing) {
                    frames.add(source.frame(i).to(device, model.dtype()).unsqueeze(0));
                }
                // as a list: the features, then the skips in the configuration's order of resolutions
                List<Integer> resolutions = model.config().connectList();
                List<Tensor> batch = steps.run("encoder", List.of(Tensor.cat(frames, 0)), in -> {
                    DicFace.Encoded e = model.encode(in.get(0), Probe.NONE);
                    List<Tensor> out = new ArrayList<>(List.of(e.lqFeat()));
                    resolutions.forEach(r -> out.add(e.skips().get(r)));
                    return out;
                });
                for (int k = 0; k < missing.size(); k++) {
                    Map<Integer, Tensor> skips = new LinkedHashMap<>();
                    for (int j = 0; j < resolutions.size(); j++) {
                        skips.put(resolutions.get(j), scope.keep(batch.get(j + 1).narrow(0, k, 1)));
                    }
                    entries.put(missing.get(k), new DicFace.Encoded(scope.keep(batch.get(0).narrow(0, k, 1)), skips));
                }
            }
            return null;
        });
        encoded += missing.size();
        most = Math.max(most, entries.size());
    }

    /** Frees the entries of frames before {@code first}: no later window reaches back to them. */
    void dropBefore(int first) {
        Iterator<Map.Entry<Integer, DicFace.Encoded>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, DicFace.Encoded> e = it.next();
            if (e.getKey() < first) {
                e.getValue().close();
                it.remove();
            }
        }
    }

    /** The most frames held at once (batch + frame_length - 1 at most, 2 batch + frame_length - 1 looking ahead). */
    int mostHeld() {
        return most;
    }

    /** How many encoder passes ran (each frame exactly once in a forward run). */
    int encodedFrames() {
        return encoded;
    }

    @Override
    public void close() {
        entries.values().forEach(DicFace.Encoded::close);
        entries.clear();
    }
}
