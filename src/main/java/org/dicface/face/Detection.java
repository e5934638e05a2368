package org.dicface.face;

/** A face found in one frame: its box, the detector's score in [0, 1], and its 68 landmarks. */
public record Detection(Box box, double score, Landmarks landmarks) {
}
