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
 * a jump seeks. The size, frame rate and exact frame count come from {@link VideoProbe}, which also refuses
 * files that are no usable video with a message saying why.
 */
public final class VideoStack extends VirtualStack {
    private final Path file;
    private final VideoProbe.Info info;
    private final FFmpegFrameGrabber grabber;
    private final double frameRate;
    private int frames;
    private int next;          // index of the frame the grabber gives next
    private ImageProcessor last;
    private int lastIndex = -1;

    VideoStack(Path file) throws IOException {
        super(0, 0, null, null);
        this.file = file;
        this.info = VideoProbe.probe(file);
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            throw new IOException(file + " cannot be decoded (" + info.codec() + " video): it is damaged", e);
        }
        this.frameRate = grabber.getVideoFrameRate() > 0 ? grabber.getVideoFrameRate() : info.frameRate();
        this.frames = info.frames();
    }

    /** What the probe found. */
    VideoProbe.Info info() {
        return info;
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
            if (f == null) {
                throw new IllegalStateException(file + " breaks off at frame " + n + " of " + frames + ": it is damaged");
            }
            next = index + 1;
            last = VideoFiles.toProcessor(f);
            lastIndex = index;
            return last.duplicate();
        } catch (FrameGrabber.Exception e) {
            throw new IllegalStateException(file + " is damaged: frame " + n + " of " + frames + " cannot be decoded", e);
        }
    }

    /** Frees the decoder; the stack cannot be read afterwards. */
    public synchronized void close() {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception ignored) {
            // nothing more to free
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
            throw new IOException(file + " is damaged: frame " + (stack.getSize() + 1) + " cannot be decoded", e);
        }
        if (stack.getSize() == 0) {
            throw new IOException(file + " has no decodable video frames");
        }
        frames = stack.getSize();
        return stack;
    }
}
