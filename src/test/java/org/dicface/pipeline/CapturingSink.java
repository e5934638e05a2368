package org.dicface.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.dicface.torch.Tensor;
import org.dicface.video.FrameSink;

/**
 * A sink for tests that keeps what it receives as Java arrays: a frame is lent for the call only, and a copy
 * kept as a tensor would belong to no scope and be left to the Cleaner (shifting other tests' handle counts).
 */
public final class CapturingSink implements FrameSink {
    private final List<Integer> indices = new ArrayList<>();
    private final List<float[]> values = new ArrayList<>();
    private final List<long[]> shapes = new ArrayList<>();

    @Override
    public void accept(int index, Tensor frame) {
        indices.add(index);
        values.add(frame.toFloatArray());
        shapes.add(frame.shape());
    }

    public int count() {
        return values.size();
    }

    /** The index the n-th frame came with. */
    public int index(int n) {
        return indices.get(n);
    }

    /** The n-th frame received, as a new tensor owned by the caller's scope. */
    public Tensor frame(int n) {
        return Tensor.of(values.get(n), shapes.get(n));
    }
}
