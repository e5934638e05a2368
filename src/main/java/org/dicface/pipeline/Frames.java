package org.dicface.pipeline;

import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;
import java.awt.Rectangle;
import java.util.List;
import java.util.function.BiFunction;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The task-specific frame transforms, as source and sink decorators: resizing to the model and back,
 * cropping a face region and pasting it back with a feathered edge, painting masked pixels white and
 * keeping the original outside the mask, graying for colorization and keeping the input's luminance.
 * Frames are [3, H, W] in [-1, 1]; masks [1, H, W] in {0, 1}.
 */
public final class Frames {
    private Frames() {
    }

    /** Bilinear resize of a [3, H, W] frame (as cv2.resize INTER_LINEAR, which the official script uses). */
    static Tensor resize(Tensor frame, int width, int height) {
        return frame.unsqueeze(0).upsampleBilinear(height, width, false).reshape(frame.size(0), height, width);
    }

    /**
     * A source whose frames are those of {@code inner} passed through {@code transform} (frame index, frame), at the
     * given size; the inner frame is freed once transformed.
     */
    static FrameSource transformed(FrameSource inner, int width, int height, BiFunction<Integer, Tensor, Tensor> transform) {
        return FrameSource.of(inner.frameCount(), width, height, i -> {
            try (Scope scope = Scope.open()) {
                return scope.keep(transform.apply(i, inner.frame(i)));
            }
        });
    }

    /** Frames resized to {@code size} square; the source itself when they already are. */
    public static FrameSource resized(FrameSource source, int size) {
        if (source.width() == size && source.height() == size) {
            return source;
        }
        return transformed(source, size, size, (i, f) -> resize(f, size, size));
    }

    /** Frames resized to {@code width x height} on their way to {@code target}; passed as they are when they already fit. */
    public static FrameSink resized(FrameSink target, int width, int height) {
        return (i, f) -> {
            if (f.size(1) == height && f.size(2) == width) {
                target.accept(i, f);
                return;
            }
            try (Scope scope = Scope.open()) {
                target.accept(i, resize(f, width, height));
            }
        };
    }

    /**
     * A source that keeps the last {@code capacity} frames it gave, so that a frame read by the network
     * and again by a sink (the original frame a region is pasted into, say) is converted from ImageJ's
     * pixels once. Close it to free what it holds.
     */
    public static Memo memo(FrameSource source, int capacity) {
        return new Memo(source, capacity);
    }

    /** See {@link #memo}. */
    public static final class Memo implements FrameSource, AutoCloseable {
        private final FrameSource source;
        private final int capacity;
        private final java.util.LinkedHashMap<Integer, Tensor> kept = new java.util.LinkedHashMap<>();
        private int conversions;

        private Memo(FrameSource source, int capacity) {
            this.source = source;
            this.capacity = Math.max(1, capacity);
        }

        @Override
        public int frameCount() {
            return source.frameCount();
        }

        @Override
        public int width() {
            return source.width();
        }

        @Override
        public int height() {
            return source.height();
        }

        @Override
        public Tensor frame(int index) {
            Tensor t = kept.get(index);
            if (t == null) {
                t = Scope.unowned(() -> source.frame(index));
                conversions++;
                kept.put(index, t);
                if (kept.size() > capacity) {
                    var eldest = kept.entrySet().iterator();
                    eldest.next().getValue().close();
                    eldest.remove();
                }
            }
            return t.view(t.shape());  // a new handle on the kept frame: the caller may close it
        }

        /** How many frames were read from the source (each once while it is kept). */
        public int conversions() {
            return conversions;
        }

        @Override
        public void close() {
            kept.values().forEach(Tensor::close);
            kept.clear();
        }
    }

    public static FrameSource cropped(FrameSource source, Rectangle r) {
        if (r.x < 0 || r.y < 0 || r.x + r.width > source.width() || r.y + r.height > source.height() || r.isEmpty()) {
            throw new IllegalArgumentException("the region " + r + " does not lie inside the " + source.width() + "x"
                    + source.height() + " frames");
        }
        return transformed(source, r.width, r.height, (i, f) -> f.narrow(1, r.y, r.height).narrow(2, r.x, r.width).contiguous());
    }

    /**
     * Pastes each restored crop back into the original frame at {@code r}, blending over a border of
     * {@code feather} pixels inside the region (linear ramp), so no seam shows.
     */
    public static FrameSink pasted(FrameSink target, FrameSource original, Rectangle r, int feather) {
        return (i, restored) -> {
            try (Scope scope = Scope.open()) {
                Tensor frame = original.frame(i);
                // the crop and its blending weights placed in a full-size frame (zero outside the region)
                long[] place = {r.x, frame.size(2) - r.x - r.width, r.y, frame.size(1) - r.y - r.height};
                Tensor alpha = featherMask(r.width, r.height, feather).pad(place, Tensor.PadMode.CONSTANT, 0);
                Tensor face = restored.pad(place, Tensor.PadMode.CONSTANT, 0);
                target.accept(i, face.mul(alpha).add(frame.mul(alpha.rsub(1))));
            }
        };
    }

    /** [1, h, w]: 1 inside, falling linearly to 0 over {@code feather} pixels at the edges. */
    static Tensor featherMask(int width, int height, int feather) {
        float[] m = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int d = Math.min(Math.min(x, width - 1 - x), Math.min(y, height - 1 - y));
                m[y * width + x] = feather <= 0 ? 1f : Math.min(1f, (d + 1f) / (feather + 1f));
            }
        }
        return Tensor.of(m, 1, height, width);
    }

    /** Masked pixels painted white (+1), as the inpainting model was trained. */
    public static FrameSource painted(FrameSource source, Masks masks) {
        return transformed(source, source.width(), source.height(), (i, f) -> {
            Tensor m = masks.mask(i);
            return f.mul(m.rsub(1)).add(m);
        });
    }

    /** Outside the mask the output keeps the original pixels. */
    public static FrameSink composited(FrameSink target, FrameSource original, Masks masks) {
        return (i, restored) -> {
            try (Scope scope = Scope.open()) {
                Tensor m = masks.mask(i);
                target.accept(i, restored.mul(m).add(original.frame(i).mul(m.rsub(1))));
            }
        };
    }

    /** ITU-R BT.601 luma of a [3, H, W] frame, [1, H, W]. */
    static Tensor luma(Tensor frame) {
        List<Tensor> c = frame.split(new long[] {1, 1, 1}, 0);
        return c.get(0).mul(0.299).add(c.get(1).mul(0.587)).add(c.get(2).mul(0.114));
    }

    /**
     * BT.601 gray replicated to three channels: the colorization model's input. A frame that is already gray
     * (three equal channels) is passed as it is, so that what is left gray around the faces is the input, value for
     * value (the weighted sum of three equal floats is not always that float).
     */
    public static FrameSource grayed(FrameSource source) {
        return transformed(source, source.width(), source.height(), (i, f) -> {
            List<Tensor> c = f.split(new long[] {1, 1, 1}, 0);
            if (c.get(0).sub(c.get(1)).abs().sum().item() == 0 && c.get(1).sub(c.get(2)).abs().sum().item() == 0) {
                return f.contiguous().copy();
            }
            return luma(f).expand(3, source.height(), source.width()).contiguous();
        });
    }

    /**
     * Shifts each channel of the output by the difference between the input frame's mean and its own: the
     * input's colour balance with the model's detail. Not in the official method; it removes a colour cast
     * that a model trained on few faces gives faces it has not seen (blur, downsampling and noise keep a
     * frame's channel means, so the degraded input's are the clean face's).
     */
    public static FrameSink keepingColorMeans(FrameSink target, FrameSource original) {
        return (i, restored) -> {
            try (Scope scope = Scope.open()) {
                target.accept(i, withColorMeansOf(restored, original.frame(i)));
            }
        };
    }

    /** {@code restored} with each channel shifted to {@code original}'s mean (see {@link #keepingColorMeans}). */
    static Tensor withColorMeansOf(Tensor restored, Tensor original) {
        long[] plane = {1, 2};
        try (Scope scope = Scope.open()) {
            return scope.keep(restored.add(original.mean(plane, true).sub(restored.mean(plane, true))));
        }
    }

    /** Keeps the input's luminance and takes only the colour from the model: out = restored - Y(restored) + Y(input). */
    public static FrameSink keepingLuminance(FrameSink target, FrameSource original) {
        return (i, restored) -> {
            try (Scope scope = Scope.open()) {
                target.accept(i, restored.sub(luma(restored)).add(luma(original.frame(i))));
            }
        };
    }
}
