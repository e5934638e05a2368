package org.dicface.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.PointerPointer;

/**
 * What a video file holds, read with FFmpeg's demuxer before anything is decoded: the size, frame rate and
 * exact frame count (every packet of the video stream is counted, so a truncated file is found), and whether
 * there is sound. A file that is no usable video is refused with a message saying what is wrong with it: it
 * does not exist, is empty, is not a video, is truncated or damaged, has no video stream, or uses a codec
 * this FFmpeg build cannot decode.
 */
public final class VideoProbe {
    /** The video stream of a file. */
    public record Info(int width, int height, double frameRate, int frames, String codec, boolean audio) {
    }

    private VideoProbe() {
    }

    public static Info probe(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a file");
        }
        if (Files.size(file) == 0) {
            throw new IOException(file + " is empty (0 bytes)");
        }
        Ffmpeg.init();
        AVFormatContext ctx = new AVFormatContext(null);
        if (avformat_open_input(ctx, file.toString(), (AVInputFormat) null, (AVDictionary) null) < 0) {
            throw new IOException(unopenable(file));
        }
        AVPacket pkt = av_packet_alloc();
        try {
            if (avformat_find_stream_info(ctx, (PointerPointer<?>) null) < 0) {
                throw new IOException(file + " is truncated or damaged: FFmpeg finds no readable stream in it");
            }
            int v = -1;
            boolean audio = false;
            for (int i = 0; i < ctx.nb_streams(); i++) {
                int type = ctx.streams(i).codecpar().codec_type();
                audio |= type == AVMEDIA_TYPE_AUDIO;
                if (type == AVMEDIA_TYPE_VIDEO && v < 0) {
                    v = i;
                }
            }
            int best = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
            if (best >= 0) {
                v = best;
            }
            if (v < 0) {
                throw new IOException(file + " has no video stream" + (audio ? " (only sound)" : ""));
            }
            AVStream st = ctx.streams(v);
            int codecId = st.codecpar().codec_id();
            String codec = avcodec_get_name(codecId).getString();
            if (avcodec_find_decoder(codecId) == null) {
                throw new IOException(file + " uses the " + codec + " video codec, which this FFmpeg build cannot decode: "
                        + "convert it (to H.264, say) first");
            }
            int width = st.codecpar().width();
            int height = st.codecpar().height();
            if (width <= 0 || height <= 0) {
                throw new IOException(file + " is damaged: its video stream has no frame size");
            }
            int frames = 0;
            int r;
            while ((r = av_read_frame(ctx, pkt)) >= 0) {
                if (pkt.stream_index() == v) {
                    frames++;
                }
                av_packet_unref(pkt);
            }
            long indexed = st.nb_frames();
            if (r != AVERROR_EOF || frames == 0 || (indexed > 0 && frames < indexed)) {
                throw new IOException(file + " is truncated or damaged: " + (indexed > 0 ? "its index lists " + indexed
                        + " frames, " + frames + " can be read" : frames + " frames can be read before it breaks off"));
            }
            return new Info(width, height, frameRate(st), frames, codec, audio);
        } finally {
            av_packet_free(pkt);
            avformat_close_input(ctx);
        }
    }

    private static double frameRate(AVStream st) {
        for (AVRational q : new AVRational[] {st.avg_frame_rate(), st.r_frame_rate()}) {
            if (q.num() > 0 && q.den() > 0) {
                return (double) q.num() / q.den();
            }
        }
        return 25;
    }

    /** Why FFmpeg cannot open a file: a container it knows whose content is broken, or no video at all. */
    private static String unopenable(Path file) throws IOException {
        byte[] head = new byte[12];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String kind = null;
        String box = n >= 8 ? new String(head, 4, 4, StandardCharsets.ISO_8859_1) : "";
        if (box.equals("ftyp") || box.equals("moov") || box.equals("mdat") || box.equals("wide") || box.equals("free")) {
            kind = "MP4/MOV";
        } else if (n >= 12 && new String(head, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(head, 8, 4, StandardCharsets.ISO_8859_1).equals("AVI ")) {
            kind = "AVI";
        } else if (n >= 4 && (head[0] & 0xff) == 0x1a && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xdf && (head[3] & 0xff) == 0xa3) {
            kind = "Matroska/WebM";
        }
        if (kind == null) {
            return file + " is not a video file (FFmpeg recognises no video format in it)";
        }
        return file + " is a truncated or damaged " + kind + " file" + (kind.equals("MP4/MOV")
                ? " (its index, the moov atom, is missing: the writing of the file was not finished)" : "");
    }
}
