package org.dicface.face.scenes;

import java.util.List;
import java.util.Optional;

import org.dicface.face.Box;

/**
 * Ground truth of one frame: its shot (index into the scene's shots), each face drawn in it (back to front),
 * and the boxes of the non-face distractors drawn in it.
 */
public record FrameTruth(int frame, int shot, List<FaceTruth> faces, List<Box> distractors) {
    public FrameTruth {
        faces = List.copyOf(faces);
        distractors = List.copyOf(distractors);
    }

    public List<FaceTruth> visibleFaces() {
        return faces.stream().filter(FaceTruth::visible).toList();
    }

    public Optional<FaceTruth> face(String identity) {
        return faces.stream().filter(f -> f.identity().equals(identity)).findFirst();
    }
}
