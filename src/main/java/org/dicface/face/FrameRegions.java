package org.dicface.face;

import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Reads rows of a [3, H, W] frame tensor into a planar float array. Each channel's rows are one contiguous
 * block of the tensor, so the read is three plain memory copies: no libtorch kernel runs, whose thread pool
 * costs more than the copy itself for a face-sized block (and far more on a loaded machine).
 */
final class FrameRegions {
    private FrameRegions() {
    }

    /** Rows [y, y + rows) of all three channels, full width, planar: [3, rows, W]. */
    static float[] readRows(Tensor frame, int y, int rows) {
        int w = Math.toIntExact(frame.size(2));
        float[] out = new float[3 * rows * w];
        try (Scope scope = Scope.open()) {
            Tensor t = frame.isContiguous() ? frame : frame.contiguous();
            for (int c = 0; c < 3; c++) {
                float[] block = t.narrow(0, c, 1).narrow(1, y, rows).toFloatArray();
                System.arraycopy(block, 0, out, c * rows * w, block.length);
            }
        }
        return out;
    }
}
