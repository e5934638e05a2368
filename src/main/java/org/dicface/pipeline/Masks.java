package org.dicface.pipeline;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ImageProcessor;
import org.dicface.torch.DType;
import org.dicface.torch.Tensor;

/** Where to inpaint, per frame: [1, H, W] float32, 1 inside the hole, 0 outside. */
@FunctionalInterface
public interface Masks {
    Tensor mask(int frame);

    /** One ImageJ selection for every frame. */
    static Masks of(Roi roi, int width, int height) {
        ImageProcessor ip = new ij.process.ByteProcessor(width, height);
        ip.setColor(255);
        ip.fill(roi);
        byte[] pixels = (byte[]) ip.getPixels();
        float[] m = new float[pixels.length];
        boolean any = false;
        for (int i = 0; i < m.length; i++) {
            m[i] = pixels[i] != 0 ? 1f : 0f;
            any |= pixels[i] != 0;
        }
        if (!any) {
            throw new IllegalArgumentException("the selection covers no pixel of the " + width + "x" + height + " frames");
        }
        return frame -> Tensor.of(m, 1, height, width);
    }

    /** A mask stack, one slice per frame (or one slice for all): non-zero pixels are holes. */
    static Masks of(ImagePlus stack, int frames, int width, int height) {
        if (stack.getWidth() != width || stack.getHeight() != height) {
            throw new IllegalArgumentException("the mask " + stack.getTitle() + " is " + stack.getWidth() + "x" + stack.getHeight()
                    + ", the clip " + width + "x" + height);
        }
        int n = stack.getStackSize();
        if (n != 1 && n != frames) {
            throw new IllegalArgumentException("the mask " + stack.getTitle() + " has " + n + " slices; give one, or one per frame ("
                    + frames + ")");
        }
        return frame -> {
            ImageProcessor ip = stack.getStack().getProcessor(n == 1 ? 1 : frame + 1);
            try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
                Tensor raw = Tensor.fromPixels(ip.getPixels(), width, height).to(DType.FLOAT32);
                return scope.keep(raw.abs().gt(0).to(DType.FLOAT32).reshape(1, height, width));
            }
        };
    }
}
