package org.dicface.video;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ij.IJ;
import ij.ImagePlus;

/** What tests read back from written clips: each frame's pixels, and how long a file's sound lasts. */
public final class ClipReads {
    private ClipReads() {
    }

    /** Each frame's pixel array of a TIFF stack, in order. */
    public static List<Object> frames(Path file) {
        ImagePlus image = IJ.openImage(file.toString());
        List<Object> frames = new ArrayList<>();
        for (int i = 1; i <= image.getStackSize(); i++) {
            frames.add(image.getStack().getProcessor(i).getPixels());
        }
        return frames;
    }

    /** How long a file's sound lasts: its decoded samples over the sample rate. */
    public static double soundSeconds(Path file) throws Exception {
        try (org.bytedeco.javacv.FFmpegFrameGrabber g = new org.bytedeco.javacv.FFmpegFrameGrabber(file.toFile())) {
            g.start();
            long samples = 0;
            for (org.bytedeco.javacv.Frame f = g.grabSamples(); f != null; f = g.grabSamples()) {
                samples += f.samples[0].remaining() / (f.samples.length > 1 ? 1 : g.getAudioChannels());
            }
            return samples / (double) g.getSampleRate();
        }
    }
}
