package org.dicface.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dicface.face.FaceTracks;
import org.dicface.face.Track;
import org.junit.jupiter.api.Test;

/** Which faces a mode keeps, and how a mode is chosen for an input. */
class FaceAnalysisTest {
    @Test
    void largestKeepsTheLargestFaceOfEachShot() {
        // shot 0 (frames 0-9): a small face all along and a large one for part; shot 1 (10-19): two faces
        Track small = FaceRestorationTest.track(1, 0, 10, 40, 40, 30);
        Track large = FaceRestorationTest.track(2, 2, 5, 100, 60, 60);
        Track later = FaceRestorationTest.track(3, 10, 10, 40, 40, 50);
        Track laterSmall = FaceRestorationTest.track(4, 12, 6, 120, 60, 20);
        FaceTracks all = new FaceTracks(180, 140, 20, 25, List.of(0, 10), List.of(small, large, later, laterSmall));
        FaceTracks kept = FaceAnalysis.largest(all);
        assertEquals(List.of(2, 3), kept.tracks().stream().map(Track::id).toList());
        assertEquals(all.shots(), kept.shots());
    }

    @Test
    void autoTakesModelSizedSquaresAsAlignedAndAnythingElseAsAVideo() {
        assertEquals(FaceMode.ALIGNED, FaceMode.AUTO.resolve(128, 128, 128, false));
        assertEquals(FaceMode.ALL, FaceMode.AUTO.resolve(1280, 720, 128, false));
        assertEquals(FaceMode.ALL, FaceMode.AUTO.resolve(512, 512, 128, false), "a square of another size is a video");
        assertEquals(FaceMode.ALIGNED, FaceMode.AUTO.resolve(1280, 720, 128, true), "a region is restored as it is");
        assertEquals(FaceMode.LARGEST, FaceMode.LARGEST.resolve(128, 128, 128, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaceMode.parse("every"));
        assertTrue(e.getMessage().contains("auto, all, largest or aligned"), e.getMessage());
        assertEquals(FaceMode.ALL, FaceMode.parse(" All "));
    }
}
