package org.dicface.video;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;

/**
 * FFmpeg set up once for DicFace: it logs only fatal errors, since DicFace says itself what is wrong with a
 * file (FFmpeg's own lines, "moov atom not found" say, mean little to a user); {@code -Ddicface.ffmpeg.log=error}
 * (or warning, info) shows them when diagnosing.
 */
public final class Ffmpeg {
    private static volatile boolean ready;

    private Ffmpeg() {
    }

    public static void init() {
        if (!ready) {
            synchronized (Ffmpeg.class) {
                if (!ready) {
                    int level = switch (System.getProperty("dicface.ffmpeg.log", "fatal")) {
                        case "error" -> avutil.AV_LOG_ERROR;
                        case "warning" -> avutil.AV_LOG_WARNING;
                        case "info" -> avutil.AV_LOG_INFO;
                        default -> avutil.AV_LOG_FATAL;
                    };
                    avutil.av_log_set_level(level);
                    FFmpegLogCallback.setLevel(level);
                    ready = true;
                }
            }
        }
    }
}
