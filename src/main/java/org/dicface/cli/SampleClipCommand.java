package org.dicface.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.dicface.video.ClipFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicface sample-clip <photo|video> <out.tif>}: a short clip of one real face, for trying the restoration
 * and for training data: a square crop around the face resized to the model's size. From a still, the crop
 * shifts a few pixels per frame as by a hand-held camera, with a slow change of brightness; from a video (or a
 * stack), consecutive frames are taken as they are, so the motion is real. Channel gains change the white
 * balance. Defaults fit astronaut.png (NASA, public domain).
 */
@Command(name = "sample-clip", mixinStandardHelpOptions = true,
        description = "Make a short face clip from a photo, or from consecutive frames of a video.")
final class SampleClipCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the photo, or a video, TIFF stack or image folder")
    Path source;

    @Parameters(index = "1", description = "the clip to write (TIFF stack)")
    Path output;

    @Option(names = "--crop", defaultValue = "130,22,192", description = "left,top,size of the face square (default: ${DEFAULT-VALUE})")
    String crop;

    @Option(names = "--frames", defaultValue = "10", description = "frames in the clip (default: ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--first", defaultValue = "1", description = "for a video or stack: the first frame taken, from 1 (default: ${DEFAULT-VALUE})")
    int first;

    @Option(names = "--size", defaultValue = "512", description = "width and height of the clip (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--gains", defaultValue = "1,1,1",
            description = "red,green,blue multipliers for every frame, a white-balance change (default: ${DEFAULT-VALUE})")
    String gains;

    /** The clip is held in memory while it is made: sizes and lengths beyond these are typos, not clips. */
    static final int MAX_SIZE = 4096;
    static final int MAX_FRAMES = 10_000;

    @Override
    public Integer call() throws Exception {
        if (frames < 1 || frames > MAX_FRAMES) {
            throw new IllegalArgumentException("--frames must be from 1 to " + MAX_FRAMES + ", not " + frames);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("--size must be from 1 to " + MAX_SIZE + " pixels, not " + size);
        }
        double[] channelGains = channelGains();
        int[] square = parseCrop();
        ImagePlus input = ClipFiles.open(source);
        boolean still = input.getStackSize() == 1;
        checkCrop(square, input);
        if (!still && (first < 1 || first + frames - 1 > input.getStackSize())) {
            throw new IllegalArgumentException(source + " has " + input.getStackSize() + " frames: frames " + first + " to "
                    + (first + frames - 1) + " are not all there; choose --first and --frames inside it");
        }
        ImageProcessor stillRgb = still ? input.getProcessor().convertToRGB() : null;
        ImageStack stack = new ImageStack(size, size);
        for (int t = 0; t < frames; t++) {
            ImageProcessor frame = still ? handHeld(stillRgb, square, t)
                    : cropped(input.getStack().getProcessor(first + t).convertToRGB(), square[0], square[1], square[2]);
            scaleChannels((ColorProcessor) frame, channelGains);
            stack.addSlice("frame " + (t + 1), frame);
        }
        ImagePlus clip = new ImagePlus(source.getFileName() + " clip", stack);
        clip.setDimensions(1, 1, frames);
        double fps = still || input.getCalibration().fps <= 0 ? 25 : input.getCalibration().fps;
        clip.getCalibration().fps = fps;
        clip.getCalibration().frameInterval = 1 / fps;
        clip.getCalibration().setTimeUnit("s");
        ClipFiles.saveTiff(clip, output);
        System.out.println("wrote " + output + ": " + frames + " frames of " + size + " x " + size);
        return 0;
    }

    private int[] parseCrop() {
        String[] c = crop.split(",", -1);
        try {
            if (c.length != 3) {
                throw new NumberFormatException();
            }
            return new int[] {Integer.parseInt(c[0].trim()), Integer.parseInt(c[1].trim()), Integer.parseInt(c[2].trim())};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--crop takes left,top,size in whole pixels, not " + crop);
        }
    }

    private void checkCrop(int[] square, ImagePlus input) {
        if (square[2] < 1 || square[2] > Math.min(input.getWidth(), input.getHeight())) {
            throw new IllegalArgumentException("--crop size " + square[2] + " does not fit in the " + input.getWidth() + " x "
                    + input.getHeight() + " " + source.getFileName());
        }
    }

    private double[] channelGains() {
        String[] g = gains.split(",", -1);
        if (g.length != 3) {
            throw new IllegalArgumentException("--gains takes red,green,blue multipliers, not " + gains);
        }
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            try {
                out[c] = Double.parseDouble(g[c].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--gains takes red,green,blue multipliers (numbers), not " + gains);
            }
            if (!(out[c] > 0 && out[c] < 4)) {
                throw new IllegalArgumentException("--gains must lie between 0 and 4, not " + gains);
            }
        }
        return out;
    }

    /** Multiplies each channel by its gain (ImageJ rounds and clips at 255). */
    private static void scaleChannels(ColorProcessor frame, double[] gains) {
        for (int c = 0; c < 3; c++) {
            ByteProcessor channel = frame.getChannel(c + 1, null);
            channel.multiply(gains[c]);
            frame.setChannel(c + 1, channel);
        }
    }

    /** Frame t of a still: the crop moved as by a hand-held camera, brightness drifting by up to 8 %. */
    private ImageProcessor handHeld(ImageProcessor rgb, int[] square, int t) {
        int dx = (int) Math.round(2.5 * t + 3 * Math.sin(t * 0.9));
        int dy = (int) Math.round(1.2 * t + 2 * Math.cos(t * 0.7));
        ImageProcessor frame = cropped(rgb, square[0] + dx, square[1] + dy, square[2]);
        frame.multiply(1.0 + 0.08 * Math.sin(t * 0.5));
        return frame;
    }

    /** The side x side square at (left, top), kept inside the image, resized bicubically to size x size. */
    private ImageProcessor cropped(ImageProcessor rgb, int left, int top, int side) {
        int x = Math.clamp(left, 0, rgb.getWidth() - side);
        int y = Math.clamp(top, 0, rgb.getHeight() - side);
        rgb.setRoi(x, y, side, side);
        ImageProcessor frame = rgb.crop();
        frame.setInterpolationMethod(ImageProcessor.BICUBIC);
        return frame.resize(size, size);
    }
}
