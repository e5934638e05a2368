package org.dicface.video;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;

/** FFmpeg set up once for DicFace: only errors are logged (its per-file banners would flood batch logs). */
public final class Ffmpeg {
    private static volatile boolean ready;

    private Ffmpeg() {
    }

    public static void init() {
        if (!ready) {
            synchronized (Ffmpeg.class) {
                if (!ready) {
                    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
                    ready = true;
                }
            }
        }
    }
}
