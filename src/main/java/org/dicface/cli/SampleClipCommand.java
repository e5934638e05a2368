package org.dicface.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import org.dicface.pipeline.ClipFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicface sample-clip <photo> <out.tif>}: a short clip of one real face from a still, for trying the
 * restoration: a square crop around the face, shifted a few pixels per frame as by a hand-held camera, with
 * a slow change of brightness, resized to the model's 512 x 512. Defaults fit astronaut.png (NASA, public domain).
 */
@Command(name = "sample-clip", mixinStandardHelpOptions = true, description = "Make a short face clip from a photo.")
final class SampleClipCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the photo")
    Path photo;

    @Parameters(index = "1", description = "the clip to write (TIFF stack)")
    Path output;

    @Option(names = "--crop", defaultValue = "130,22,192", description = "left,top,size of the face square (default: ${DEFAULT-VALUE})")
    String crop;

    @Option(names = "--frames", defaultValue = "10")
    int frames;

    @Option(names = "--size", defaultValue = "512")
    int size;

    @Override
    public Integer call() throws Exception {
        ImagePlus still = IJ.openImage(photo.toString());
        if (still == null) {
            throw new IllegalArgumentException(photo + " is not an image ImageJ can open");
        }
        String[] c = crop.split(",");
        int left = Integer.parseInt(c[0].trim());
        int top = Integer.parseInt(c[1].trim());
        int side = Integer.parseInt(c[2].trim());
        ImageProcessor rgb = still.getProcessor().convertToRGB();
        ImageStack stack = new ImageStack(size, size);
        for (int t = 0; t < frames; t++) {
            int dx = (int) Math.round(2.5 * t + 3 * Math.sin(t * 0.9));
            int dy = (int) Math.round(1.2 * t + 2 * Math.cos(t * 0.7));
            int x = Math.clamp(left + dx, 0, rgb.getWidth() - side);
            int y = Math.clamp(top + dy, 0, rgb.getHeight() - side);
            rgb.setRoi(x, y, side, side);
            ImageProcessor frame = rgb.crop();
            frame.setInterpolationMethod(ImageProcessor.BICUBIC);
            frame = frame.resize(size, size);
            frame.multiply(1.0 + 0.08 * Math.sin(t * 0.5));
            stack.addSlice("frame " + (t + 1), frame);
        }
        ImagePlus clip = new ImagePlus(photo.getFileName() + " clip", stack);
        clip.setDimensions(1, 1, frames);
        clip.getCalibration().fps = 25;
        clip.getCalibration().frameInterval = 0.04;
        clip.getCalibration().setTimeUnit("s");
        ClipFiles.saveTiff(clip, output);
        System.out.println("wrote " + output + ": " + frames + " frames of " + size + " x " + size);
        return 0;
    }
}
