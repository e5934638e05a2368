package org.dicface.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_compare_ts;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVOutputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Puts the video stream of one file and the audio stream of another (all of it, or the span of a segment) into one MP4
 * without re-encoding either (packet remux, as FFmpeg's remuxing example does), interleaved by time.
 */
final class Remux {
    private Remux() {
    }

    private static void check(int code, String what) throws IOException {
        if (code < 0) {
            throw new IOException("FFmpeg could not " + what + " (error " + code + ")");
        }
    }

    private static AVFormatContext open(Path file) throws IOException {
        AVFormatContext ctx = new AVFormatContext(null);
        check(avformat_open_input(ctx, file.toString(), (AVInputFormat) null, (AVDictionary) null), "open " + file);
        check(avformat_find_stream_info(ctx, (PointerPointer<?>) null), "read the streams of " + file);
        return ctx;
    }

    /** Reads the next packet of stream {@code index}; false at the end. */
    private static boolean next(AVFormatContext in, int index, AVPacket pkt) {
        while (av_read_frame(in, pkt) >= 0) {
            if (pkt.stream_index() == index) {
                return true;
            }
            av_packet_unref(pkt);
        }
        return false;
    }

    /** The next packet of stream {@code index} that starts in [first, end) of its time base; false after the span. */
    private static boolean nextInSpan(AVFormatContext in, int index, AVPacket pkt, long first, long end) {
        while (next(in, index, pkt)) {
            long t = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
            if (t >= end) {
                av_packet_unref(pkt);
                return false;
            }
            if (t >= first) {
                return true;
            }
            av_packet_unref(pkt);
        }
        return false;
    }

    private static long time(AVPacket pkt) {
        return pkt.dts() != AV_NOPTS_VALUE ? pkt.dts() : pkt.pts();
    }

    static void videoWithAudio(Path video, ClipWriter.Sound sound, Path out) throws IOException {
        Path audio = sound.source();
        Ffmpeg.init();
        AVFormatContext vin = open(video);
        AVFormatContext ain = null;
        AVFormatContext oc = new AVFormatContext(null);
        AVPacket pv = av_packet_alloc();
        AVPacket pa = av_packet_alloc();
        try {
            ain = open(audio);
            int vIdx = av_find_best_stream(vin, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
            int aIdx = av_find_best_stream(ain, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
            check(vIdx, "find a video stream in " + video);
            check(aIdx, "find an audio stream in " + audio);
            check(avformat_alloc_output_context2(oc, (AVOutputFormat) null, "mp4", out.toString()), "create " + out);
            AVStream vIn = vin.streams(vIdx);
            AVStream aIn = ain.streams(aIdx);
            for (AVStream in : new AVStream[] {vIn, aIn}) {
                AVStream s = avformat_new_stream(oc, (AVCodec) null);
                check(avcodec_parameters_copy(s.codecpar(), in.codecpar()), "copy stream parameters");
                s.codecpar().codec_tag(0);
                s.time_base(in.time_base());
            }
            AVIOContext pb = new AVIOContext(null);
            check(avio_open(pb, out.toString(), AVIO_FLAG_WRITE), "write " + out);
            oc.pb(pb);
            check(avformat_write_header(oc, (AVDictionary) null), "write the header of " + out);
            // the sound's span in the audio's time base: packets before it are left out, the rest moved back by its start
            long first = Math.round(sound.start() * aIn.time_base().den() / (double) aIn.time_base().num());
            long end = Double.isInfinite(sound.length()) ? Long.MAX_VALUE
                    : Math.round((sound.start() + sound.length()) * aIn.time_base().den() / (double) aIn.time_base().num());
            boolean haveV = next(vin, vIdx, pv);
            boolean haveA = nextInSpan(ain, aIdx, pa, first, end);
            while (haveV || haveA) {
                boolean takeVideo = haveV && (!haveA || av_compare_ts(time(pv), vIn.time_base(), time(pa), aIn.time_base()) <= 0);
                AVPacket pkt = takeVideo ? pv : pa;
                if (!takeVideo && first != 0) {
                    pa.pts(pa.pts() == AV_NOPTS_VALUE ? AV_NOPTS_VALUE : pa.pts() - first);
                    pa.dts(pa.dts() == AV_NOPTS_VALUE ? AV_NOPTS_VALUE : pa.dts() - first);
                }
                int outIndex = takeVideo ? 0 : 1;
                av_packet_rescale_ts(pkt, takeVideo ? vIn.time_base() : aIn.time_base(), oc.streams(outIndex).time_base());
                pkt.stream_index(outIndex);
                pkt.pos(-1);
                check(av_interleaved_write_frame(oc, pkt), "write a packet to " + out);
                if (takeVideo) {
                    haveV = next(vin, vIdx, pv);
                } else {
                    haveA = nextInSpan(ain, aIdx, pa, first, end);
                }
            }
            check(av_write_trailer(oc), "finish " + out);
            int closed = avio_closep(oc.pb());
            oc.pb(null);
            check(closed, "finish " + out);  // the last buffered bytes are written here
        } finally {
            av_packet_free(pv);
            av_packet_free(pa);
            if (oc.pb() != null) {
                avio_closep(oc.pb());
            }
            avformat_free_context(oc);
            avformat_close_input(vin);
            if (ain != null) {
                avformat_close_input(ain);
            }
        }
    }

    /**
     * The video streams of {@code parts} (one encoder's segments of one clip: same codec, size and rate) one after the
     * other in {@code out}, without re-encoding: each part's timestamps moved on by the parts before it.
     */
    static void concatenate(java.util.List<Path> parts, Path out) throws IOException {
        Ffmpeg.init();
        AVFormatContext oc = new AVFormatContext(null);
        AVPacket pkt = av_packet_alloc();
        try {
            check(avformat_alloc_output_context2(oc, (AVOutputFormat) null, "mp4", out.toString()), "create " + out);
            long offset = 0;  // in the output stream's time base, as written (the muxer may change it at the header)
            boolean started = false;
            for (Path part : parts) {
                AVFormatContext in = open(part);
                try {
                    int index = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
                    check(index, "find a video stream in " + part);
                    AVStream vIn = in.streams(index);
                    if (!started) {
                        AVStream s = avformat_new_stream(oc, (AVCodec) null);
                        check(avcodec_parameters_copy(s.codecpar(), vIn.codecpar()), "copy stream parameters");
                        s.codecpar().codec_tag(0);
                        s.time_base(vIn.time_base());
                        AVIOContext pb = new AVIOContext(null);
                        check(avio_open(pb, out.toString(), AVIO_FLAG_WRITE), "write " + out);
                        oc.pb(pb);
                        check(avformat_write_header(oc, (AVDictionary) null), "write the header of " + out);
                        started = true;
                    } else if (vIn.codecpar().width() != oc.streams(0).codecpar().width()
                            || vIn.codecpar().height() != oc.streams(0).codecpar().height()
                            || vIn.codecpar().codec_id() != oc.streams(0).codecpar().codec_id()) {
                        throw new IOException(part + " is not encoded as the parts before it: they cannot be joined");
                    }
                    AVStream vOut = oc.streams(0);
                    long end = offset;
                    while (next(in, index, pkt)) {
                        av_packet_rescale_ts(pkt, vIn.time_base(), vOut.time_base());
                        if (pkt.pts() != AV_NOPTS_VALUE) {
                            pkt.pts(pkt.pts() + offset);
                        }
                        if (pkt.dts() != AV_NOPTS_VALUE) {
                            pkt.dts(pkt.dts() + offset);
                        }
                        long t = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
                        end = Math.max(end, t + Math.max(pkt.duration(), 1));
                        pkt.stream_index(0);
                        pkt.pos(-1);
                        check(av_interleaved_write_frame(oc, pkt), "write a packet to " + out);
                    }
                    offset = end;
                } finally {
                    avformat_close_input(in);
                }
            }
            check(av_write_trailer(oc), "finish " + out);
            int closed = avio_closep(oc.pb());
            oc.pb(null);
            check(closed, "finish " + out);
        } finally {
            av_packet_free(pkt);
            if (oc.pb() != null) {
                avio_closep(oc.pb());
            }
            avformat_free_context(oc);
        }
    }
}
