package org.dicface.pipeline;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import org.dicface.torch.Tensor;
import org.dicface.video.StackFrames;

/** Collects output frames as an 8-bit RGB stack (or 32-bit maps, for uncertainty). */
public final class StackSink implements FrameSink {
    private final ImageStack stack;
    private final boolean maps;

    private StackSink(int width, int height, boolean maps) {
        this.stack = new ImageStack(width, height);
        this.maps = maps;
    }

    public static StackSink rgb(int width, int height) {
        return new StackSink(width, height, false);
    }

    public static StackSink maps(int width, int height) {
        return new StackSink(width, height, true);
    }

    @Override
    public void accept(int index, Tensor frame) {
        if (index != stack.getSize()) {
            throw new IllegalStateException("frame " + index + " arrived out of order");
        }
        ImageProcessor ip = maps ? StackFrames.toFloat(frame) : StackFrames.toRgb(frame);
        stack.addSlice("frame " + (index + 1), ip);
    }

    public ImageStack stack() {
        return stack;
    }

    /** The frames as an image with the given title, frames on the time axis. */
    public ImagePlus image(String title) {
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(1, 1, stack.getSize());
        if (maps) {
            imp.resetDisplayRange();
        }
        return imp;
    }
}
