package org.dicface.pipeline;

import java.util.Locale;

/**
 * Which faces of a clip are restored. {@code ALL}: every face found and tracked (an ordinary video: people in a
 * room, an interview, a film with several faces), each restored in place. {@code LARGEST}: in each shot only the
 * face that is largest on average (the official script keeps the largest face of each frame). {@code ALIGNED}:
 * the frames are already face crops aligned to the template, restored whole. {@code AUTO} (the default) decides
 * per input: square frames of the model's size are aligned crops (the official aligned clips are of the model's
 * size), a face region given means that region; anything else is an ordinary video and gets {@code ALL}.
 */
public enum FaceMode {
    AUTO, ALL, LARGEST, ALIGNED;

    public static final String NAMES = "auto, all, largest or aligned";

    public static FaceMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("faces must be " + NAMES + ", got '" + text + "'");
        }
    }

    /** The mode for frames of this size with a model of {@code modelSize}; never AUTO. */
    public FaceMode resolve(int width, int height, int modelSize, boolean region) {
        if (this != AUTO) {
            return this;
        }
        return region || (width == modelSize && height == modelSize) ? ALIGNED : ALL;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
