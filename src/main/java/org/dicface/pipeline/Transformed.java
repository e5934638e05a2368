package org.dicface.pipeline;

import org.dicface.video.FrameSource;
import java.util.function.BiFunction;

import org.dicface.torch.Tensor;

/** A source whose frames are those of another source, transformed (and possibly resized). */
final class Transformed implements FrameSource {
    private final FrameSource inner;
    private final int width;
    private final int height;
    private final BiFunction<Integer, Tensor, Tensor> transform;

    Transformed(FrameSource inner, int width, int height, BiFunction<Integer, Tensor, Tensor> transform) {
        this.inner = inner;
        this.width = width;
        this.height = height;
        this.transform = transform;
    }

    @Override
    public int frameCount() {
        return inner.frameCount();
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public Tensor frame(int index) {
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            return scope.keep(transform.apply(index, inner.frame(index)));
        }
    }
}
