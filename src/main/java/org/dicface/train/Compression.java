package org.dicface.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.dicface.torch.DType;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * The official H.264 compression of a degraded clip (libx264 at CRF 18-24 through PyAV), done through FFmpeg.
 * The FFmpeg build on Maven Central encodes H.264 with openh264, which has no CRF and, through FFmpeg, ignores a
 * fixed quantiser: the CRF is mapped to openh264's bit-rate control instead, keeping x264's rule of thumb that
 * 6 CRF steps halve the bit rate: {@link #BITS_PER_PIXEL_AT_23} bits per pixel and frame at CRF 23. Frames
 * round-trip through 8 bits and yuv420p, as in the official code.
 */
public final class Compression {
    /** Bits per pixel and frame at CRF 23 (x264 gives about this on face video at 512 x 512). */
    static final double BITS_PER_PIXEL_AT_23 = 0.15;

    private Compression() {
    }

    /** The bit rate standing in for a CRF. */
    static int bitRate(int crf, int width, int height, double fps) {
        double bpp = BITS_PER_PIXEL_AT_23 * Math.pow(2, (23 - crf) / 6.0);
        return (int) Math.max(2_000, bpp * width * height * fps);
    }

    /** Bits per pixel and frame for a CRF. */
    public static double bitsPerPixel(int crf) {
        return BITS_PER_PIXEL_AT_23 * Math.pow(2, (23 - crf) / 6.0);
    }

    /** The encoder's smallest frame side; smaller clips (tiny test models) are padded to it and cropped back. */
    static final int MIN_SIDE = 16;

    /** Frames [T, 3, H, W] in [0, 1] (even H and W) encoded and decoded at the given CRF. */
    public static Tensor h264(Tensor frames, int crf) throws IOException {
        long fh = frames.size(2);
        long fw = frames.size(3);
        if (fh < MIN_SIDE || fw < MIN_SIDE) {
            if (fh % 2 != 0 || fw % 2 != 0) {
                throw new IllegalArgumentException("H.264 (yuv420p) needs even frame sizes, got " + fw + "x" + fh);
            }
            try (Scope scope = Scope.open()) {
                long[] pad = {0, Math.max(0, MIN_SIDE - fw), 0, Math.max(0, MIN_SIDE - fh)};
                Tensor padded = frames.pad(pad, Tensor.PadMode.REPLICATE, 0);
                return scope.keep(h264(padded, crf).narrow(2, 0, fh).narrow(3, 0, fw).contiguous());
            }
        }
        long[] s = frames.shape();
        int t = (int) s[0];
        int h = (int) s[2];
        int w = (int) s[3];
        if (h % 2 != 0 || w % 2 != 0) {
            throw new IllegalArgumentException("H.264 (yuv420p) needs even frame sizes, got " + w + "x" + h);
        }
        org.dicface.video.Ffmpeg.init();
        Path file = Files.createTempFile("dicface-h264", ".mp4");
        try {
            byte[] pixels;
            try (Scope scope = Scope.open()) {
                // [T, 3, H, W] -> [T, H, W, 3] bytes, RGB order kept (FFmpeg is told RGB, as the official code)
                pixels = frames.clamp(0, 1).mul(255).round().to(DType.UINT8).permute(0, 2, 3, 1).contiguous().toBytes();
            }
            try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
                rec.setFormat("mp4");
                rec.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                rec.setFrameRate(25);
                rec.setVideoBitrate(bitRate(crf, w, h, 25));
                rec.start();
                ByteBuffer frame = ByteBuffer.allocateDirect(w * h * 3);
                for (int i = 0; i < t; i++) {
                    frame.clear();
                    frame.put(pixels, i * w * h * 3, w * h * 3).flip();
                    rec.recordImage(w, h, Frame.DEPTH_UBYTE, 3, w * 3, avutil.AV_PIX_FMT_RGB24, frame);
                }
                rec.stop();
            }
            byte[] decoded = new byte[pixels.length];
            int got = 0;
            try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
                g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
                g.start();
                for (Frame f = g.grabImage(); f != null && got < t; f = g.grabImage()) {
                    ByteBuffer b = (ByteBuffer) f.image[0];
                    for (int y = 0; y < h; y++) {
                        b.position(y * f.imageStride);
                        b.get(decoded, (got * h + y) * w * 3, w * 3);
                    }
                    got++;
                }
            }
            if (got != t) {
                throw new IOException("H.264 round trip gave " + got + " of " + t + " frames");
            }
            try (Scope scope = Scope.open()) {
                Tensor back = Tensor.fromBytes(decoded, DType.UINT8, t, h, w, 3).permute(0, 3, 1, 2).to(frames.dtype()).div(255);
                return scope.keep(back.contiguous());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
