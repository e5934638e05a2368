package org.dicface.face;

import java.util.List;

/**
 * The faces of a clip (what {@code dicface faces} writes as tracks.json): the frame size and count, the frame
 * rate (0 when the input has none), the first frame of each shot (always starting with 0), and the tracks.
 */
public record FaceTracks(int width, int height, int frames, double fps, List<Integer> shots, List<Track> tracks) {
    public FaceTracks {
        shots = List.copyOf(shots);
        tracks = List.copyOf(tracks);
    }
}
