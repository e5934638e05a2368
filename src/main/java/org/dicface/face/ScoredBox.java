package org.dicface.face;

/** A detector's box in frame pixels with its score in [0, 1]. */
public record ScoredBox(Box box, double score) {
}
