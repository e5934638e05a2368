package org.dicface.face.scenes;

import java.util.function.IntFunction;

import org.dicface.face.Similarity;

/**
 * A sprite drawn in a shot: where it is in each frame of the scene, as the transform from its pixels to the
 * frame's ({@code motion} gives null for a frame it is not drawn in). A face layer's ground truth follows from
 * its transform; a distractor's box is listed so that tests can check nothing is found there; an occluder only hides.
 */
public record Layer(Sprite sprite, Kind kind, IntFunction<Similarity> motion) {
    public enum Kind { FACE, DISTRACTOR, OCCLUDER }

    public Layer {
        if ((kind == Kind.FACE) != sprite.isFace()) {
            throw new IllegalArgumentException(sprite + (sprite.isFace() ? " is a face" : " has no landmarks: it cannot be a face layer"));
        }
    }

    public static Layer face(Sprite face, IntFunction<Similarity> motion) {
        return new Layer(face, Kind.FACE, motion);
    }

    public static Layer distractor(Sprite object, IntFunction<Similarity> motion) {
        return new Layer(object, Kind.DISTRACTOR, motion);
    }

    public static Layer occluder(Sprite object, IntFunction<Similarity> motion) {
        return new Layer(object, Kind.OCCLUDER, motion);
    }

    /** The transform at {@code frame}, or null when the layer is not drawn there. */
    public Similarity at(int frame) {
        return motion.apply(frame);
    }
}
