package org.dicface.pipeline;

import org.dicface.video.FrameSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.dicface.model.DicFace;
import org.dicface.model.Probe;
import org.dicface.torch.Device;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The per-frame part of the network (encoder + MultiScaleFuse) computed once per frame and kept while a
 * window may still need it (docs/ARCHITECTURE.md, decision 7): a ring of at most frame_length entries.
 */
final class EncoderCache implements AutoCloseable {
    private final DicFace model;
    private final FrameSource source;
    private final Device device;
    private final Map<Integer, DicFace.Encoded> entries = new LinkedHashMap<>();
    private int encoded;
    private int most;

    EncoderCache(DicFace model, FrameSource source, Device device) {
        this.model = model;
        this.source = source;
        this.device = device;
    }

    DicFace.Encoded get(int index) {
        DicFace.Encoded e = entries.get(index);
        if (e == null) {
            // outside every scope: the entry lives until dropBefore or close
            e = Scope.unowned(() -> {
                try (Tensor frame = source.frame(index); Tensor onDevice = frame.to(device, model.dtype()); Tensor batch = onDevice.unsqueeze(0)) {
                    return model.encode(batch, Probe.NONE);
                }
            });
            entries.put(index, e);
            encoded++;
            most = Math.max(most, entries.size());
        }
        return e;
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

    /** The most frames held at once (frame_length at most: memory does not grow with the clip). */
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
