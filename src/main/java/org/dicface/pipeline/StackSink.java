package org.dicface.pipeline;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSink;
import org.dicface.video.StackFrames;

/** Collects output frames in memory as an 8-bit RGB stack (or 32-bit maps, for uncertainty). */
final class StackSink implements FrameSink {
    private final boolean maps;

    private ImageStack stack;

    /** @param maps 32-bit maps (uncertainty) rather than RGB frames; the size is the first frame's */
    StackSink(boolean maps) {
        this.maps = maps;
    }

    @Override
    public void accept(int index, Tensor frame) {
        ImageProcessor ip = maps ? StackFrames.toFloat(frame) : StackFrames.toRgb(frame);
        if (stack == null) {
            stack = new ImageStack(ip.getWidth(), ip.getHeight());
        }
        if (index != stack.getSize()) {
            throw new IllegalStateException("frame " + index + " arrived out of order");
        }
        stack.addSlice("frame " + (index + 1), ip);
    }

    ImageStack stack() {
        return stack;
    }

    /** The frames as an image with the given title, frames on the time axis. */
    ImagePlus image(String title) {
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(1, 1, stack.getSize());
        if (maps) {
            imp.resetDisplayRange();
        }
        return imp;
    }
}
