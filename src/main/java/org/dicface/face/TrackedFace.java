package org.dicface.face;

/**
 * One frame of a face track. {@code landmarks5} are the smoothed alignment points (the template's order);
 * {@code landmarks68} the smoothed 68 points that shape the paste-back mask; {@code interpolated} marks a frame
 * the detector missed inside the track, filled from its neighbours.
 */
public record TrackedFace(int frame, Box box, double score, Landmarks landmarks5, Landmarks landmarks68,
        boolean interpolated) {
}
