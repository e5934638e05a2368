package org.dicface.video;

import java.io.IOException;
import java.nio.file.Path;

import ij.ImageStack;
import ij.VirtualStack;
import ij.process.ImageProcessor;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A video as a virtual stack: frames are decoded when asked for; reading in order decodes each frame once,
 * a jump seeks. The frame count is the container's estimate until the end has been decoded.
 */
public final class VideoStack extends VirtualStack {
    private final Path file;
    private final FFmpegFrameGrabber grabber;
    private final double frameRate;
    private int frames;
    private int next;          // index of the frame the grabber gives next
    private ImageProcessor last;
    private int lastIndex = -1;

    VideoStack(Path file) throws IOException {
        super(0, 0, null, null);
        this.file = file;
        Ffmpeg.init();
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            throw new IOException(file + " is not a video FFmpeg can read: " + e.getMessage(), e);
        }
        if (grabber.getImageWidth() <= 0) {
            throw new IOException(file + " has no video stream");
        }
        this.frameRate = grabber.getVideoFrameRate() > 0 ? grabber.getVideoFrameRate() : 25;
        this.frames = Math.max(1, grabber.getLengthInVideoFrames());
    }

    double frameRate() {
        return frameRate;
    }

    @Override
    public int getWidth() {
        return grabber.getImageWidth();
    }

    @Override
    public int getHeight() {
        return grabber.getImageHeight();
    }

    @Override
    public synchronized int getSize() {
        return frames;
    }

    @Override
    public String getSliceLabel(int n) {
        return file.getFileName() + " " + n;
    }

    @Override
    public int getBitDepth() {
        return 24;
    }

    @Override
    public synchronized ImageProcessor getProcessor(int n) {
        int index = n - 1;
        if (index == lastIndex) {
            return last.duplicate();
        }
        try {
            if (index != next) {
                grabber.setVideoFrameNumber(index);
                next = index;
            }
            Frame f = grabber.grabImage();
            if (f == null) {  // past the real end: the estimate was high
                frames = Math.max(1, index);
                return last != null ? last.duplicate() : new ij.process.ColorProcessor(getWidth(), getHeight());
            }
            next = index + 1;
            last = VideoFiles.toProcessor(f);
            lastIndex = index;
            return last.duplicate();
        } catch (FrameGrabber.Exception e) {
            throw new IllegalStateException("cannot decode frame " + n + " of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every frame, decoded in order, as an ordinary stack (the exact frame count). */
    synchronized ImageStack decodeAll() throws IOException {
        ImageStack stack = new ImageStack(getWidth(), getHeight());
        try {
            grabber.setVideoFrameNumber(0);
            for (Frame f = grabber.grabImage(); f != null; f = grabber.grabImage()) {
                stack.addSlice(file.getFileName() + " " + (stack.getSize() + 1), VideoFiles.toProcessor(f));
            }
            grabber.close();
        } catch (FrameGrabber.Exception e) {
            throw new IOException("cannot decode " + file + ": " + e.getMessage(), e);
        }
        if (stack.getSize() == 0) {
            throw new IOException(file + " has no decodable video frames");
        }
        return stack;
    }
}
