package org.dicface.face;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/** Copies between a rectangle of a [3, H, W] frame tensor and a planar float array, touching only that rectangle. */
final class FrameRegions {
    private FrameRegions() {
    }

    static float[] read(Tensor frame, Rect r) {
        try (Scope scope = Scope.open()) {
            return view(frame, r).toFloatArray();
        }
    }

    static void write(Tensor frame, Rect r, float[] data) {
        try (Scope scope = Scope.open()) {
            view(frame, r).copyFrom(Tensor.of(data, 3, r.height(), r.width()));
        }
    }

    private static Tensor view(Tensor frame, Rect r) {
        return frame.narrow(1, r.y(), r.height()).narrow(2, r.x(), r.width());
    }
}
