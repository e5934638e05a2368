package org.dicface.video;

import ij.ImagePlus;
import ij.ImageStack;
import org.dicface.torch.Tensor;

/**
 * An ImageJ image as a clip, read frame by frame (virtual stacks stay virtual): 8-, 16-, 32-bit or RGB; gray,
 * or three channels taken as R, G, B; time, or z where there is no time axis, is the frame axis. Other
 * layouts are refused with a message. The image is never modified.
 */
public final class StackSource implements FrameSource, AutoCloseable {
    /** Frames a video is decoded ahead of the restorer (see {@link #readingAhead}). */
    public static final int READ_AHEAD = 8;

    private final ImagePlus image;
    private final ImageStack stack;
    private final boolean threeChannels;
    private final boolean alongZ;
    private final int frames;
    private final double min;
    private final double max;

    private ReadAhead<ij.process.ImageProcessor[]> ahead;

    /**
     * A source that decodes a virtual stack's frames (a video, files on disk) on a thread of its own, {@link #READ_AHEAD}
     * frames ahead, so that reading overlaps with restoring; an image in memory is read as it is. Close it to stop
     * the thread.
     */
    public static StackSource readingAhead(ImagePlus image) {
        StackSource source = new StackSource(image);
        if (source.stack.isVirtual()) {
            source.ahead = new ReadAhead<>(source::slices, source.frames, READ_AHEAD);
        }
        return source;
    }

    public StackSource(ImagePlus image) {
        this.image = image;
        this.stack = image.getStack();
        int c = image.getNChannels();
        int z = image.getNSlices();
        int t = image.getNFrames();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException(image.getTitle() + " has " + c + " channels; DicFace takes gray, RGB, or 3 channels "
                    + "(R, G, B). Reduce it with Image > Color > Stack to RGB, or pick the channels first.");
        }
        if (c == 3 && image.getBitDepth() == 24) {
            throw new IllegalArgumentException(image.getTitle() + " is RGB with 3 channels; flatten it first");
        }
        if (z > 1 && t > 1) {
            throw new IllegalArgumentException(image.getTitle() + " has both z (" + z + ") and time (" + t + ") axes; "
                    + "DicFace treats one axis as time: reduce the other (Image > Hyperstacks > Reduce Dimensionality).");
        }
        this.threeChannels = c == 3;
        this.alongZ = t == 1;
        this.frames = Math.max(z, t);
        this.min = image.getDisplayRangeMin();
        this.max = image.getDisplayRangeMax();
    }

    @Override
    public int frameCount() {
        return frames;
    }

    @Override
    public int width() {
        return image.getWidth();
    }

    @Override
    public int height() {
        return image.getHeight();
    }

    /** The frame the image's window shows (0-based, along the frame axis). */
    public int currentFrame() {
        return (alongZ ? image.getZ() : image.getT()) - 1;
    }

    /** Frames first to first + count - 1 as a new image of the same layout (channels kept, frames on the time axis). */
    public ImagePlus part(int first, int count) {
        if (first < 0 || count < 1 || first + count > frames) {
            throw new IndexOutOfBoundsException("frames " + first + " to " + (first + count - 1) + " of " + frames);
        }
        int channels = threeChannels ? 3 : 1;
        ImageStack out = new ImageStack(image.getWidth(), image.getHeight());
        for (int f = first; f < first + count; f++) {
            for (int c = 1; c <= channels; c++) {
                out.addSlice(stack.getSliceLabel(stackIndex(c, f)), stack.getProcessor(stackIndex(c, f)));
            }
        }
        ImagePlus part = new ImagePlus(image.getTitle(), out);
        part.setDimensions(channels, 1, count);
        if (channels == 3) {
            part = new ij.CompositeImage(part, ij.CompositeImage.COMPOSITE);
        }
        part.setCalibration(image.getCalibration().copy());
        part.setDisplayRange(min, max);
        return part;
    }

    private int stackIndex(int channel, int frame) {
        return alongZ ? image.getStackIndex(channel, frame + 1, 1) : image.getStackIndex(channel, 1, frame + 1);
    }

    @Override
    public Tensor frame(int index) {
        return read(index, false);
    }

    /** Frame {@code index} in [0, 1] instead of [-1, 1] (see {@link StackFrames#toUnit}): training's range. */
    public Tensor unitFrame(int index) {
        return read(index, true);
    }

    private Tensor read(int index, boolean unit) {
        if (index < 0 || index >= frames) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + frames);
        }
        ij.process.ImageProcessor[] slices = ahead != null ? ahead.get(index) : slices(index);
        if (!threeChannels) {
            return convert(slices[0], unit);
        }
        try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
            java.util.List<Tensor> planes = new java.util.ArrayList<>();
            for (ij.process.ImageProcessor ip : slices) {
                planes.add(convert(ip, unit).narrow(0, 0, 1));
            }
            return scope.keep(Tensor.cat(planes, 0));
        }
    }

    /** The stack's slices of frame {@code index}: one, or the three channels. */
    private ij.process.ImageProcessor[] slices(int index) {
        ij.process.ImageProcessor[] out = new ij.process.ImageProcessor[threeChannels ? 3 : 1];
        for (int ch = 0; ch < out.length; ch++) {
            out[ch] = stack.getProcessor(stackIndex(ch + 1, index));
        }
        return out;
    }

    @Override
    public void close() {
        if (ahead != null) {
            ahead.close();
        }
    }

    private Tensor convert(ij.process.ImageProcessor ip, boolean unit) {
        return unit ? StackFrames.toUnit(ip, min, max) : StackFrames.toFrame(ip, min, max);
    }
}
