package org.dicface.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.dicface.face.FaceFinder;
import org.dicface.face.FaceTracks;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.scenes.FaceTruth;
import org.dicface.face.scenes.Scene;
import org.dicface.face.scenes.Scenes;
import org.dicface.torch.Device;
import org.dicface.torch.ScopedTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first pass on real faces composited onto real backgrounds with known motion: detection, landmarks,
 * tracking and smoothing together, against the ground truth the transforms give. Each track must follow one
 * person, its alignment points must sit near the true ones, and nothing may be associated across a cut.
 */
class FacesInTheWildTest extends ScopedTest {
    static FaceFinder finder;
    static final Scenes.Options SCENE = Scenes.Options.DEFAULT.withFrames(32);

    @BeforeAll
    static void load() throws IOException {
        finder = FaceFinder.load(Device.CPU);
    }

    @AfterAll
    static void free() {
        finder.close();
    }

    static FaceTracks analyse(Scene scene) {
        return FaceAnalysis.run(scene.frames(), finder::find, FaceAnalysis.Options.DEFAULT, 25, Progress.NONE);
    }

    /** The true face a tracked face is of: the visible one whose alignment points are nearest (within a face size). */
    static Optional<FaceTruth> truthOf(Scene scene, TrackedFace face) {
        FaceTruth best = null;
        double bestDistance = Double.MAX_VALUE;
        for (FaceTruth t : scene.truth(face.frame()).visibleFaces()) {
            double d = t.alignmentPoints().rmsDistance(face.landmarks5());
            if (d < bestDistance) {
                bestDistance = d;
                best = t;
            }
        }
        return best != null && bestDistance < best.box().width() / 2 ? Optional.of(best) : Optional.empty();
    }

    /** Each track follows one person in every frame it has; returns the person per track. */
    static Map<Integer, String> identities(Scene scene, FaceTracks tracks) {
        Map<Integer, String> who = new HashMap<>();
        for (Track t : tracks.tracks()) {
            for (TrackedFace f : t.frames()) {
                Optional<FaceTruth> truth = truthOf(scene, f);
                if (f.interpolated() && truth.isEmpty()) {
                    continue;  // filled in behind an occluder
                }
                assertTrue(truth.isPresent(), scene.name() + ": track " + t.id() + " at frame " + f.frame() + " is on no face");
                String before = who.putIfAbsent(t.id(), truth.get().identity());
                assertEquals(before == null ? truth.get().identity() : before, truth.get().identity(),
                        scene.name() + ": track " + t.id() + " switches person at frame " + f.frame());
            }
        }
        return who;
    }

    /** RMS distance of the tracked alignment points from the truth over all tracked, visible frames, in face widths. */
    static double alignmentError(Scene scene, FaceTracks tracks) {
        double sum = 0;
        int n = 0;
        for (Track t : tracks.tracks()) {
            for (TrackedFace f : t.frames()) {
                Optional<FaceTruth> truth = truthOf(scene, f);
                if (truth.isPresent()) {
                    double d = truth.get().alignmentPoints().rmsDistance(f.landmarks5()) / truth.get().box().width();
                    sum += d * d;
                    n++;
                }
            }
        }
        return Math.sqrt(sum / n);
    }

    @Test
    void twoFacesCrossingKeepTheirIdentities() {
        Scene scene = Scenes.twoFacesCrossing(SCENE);
        FaceTracks tracks = analyse(scene);
        Map<Integer, String> who = identities(scene, tracks);
        assertEquals(2, Map.copyOf(who).values().stream().distinct().count(), "both people are tracked: " + who);
        double error = alignmentError(scene, tracks);
        assertTrue(error < 0.05, "alignment points off by " + error + " face widths");
    }

    @Test
    void aShotCutEndsEveryTrackAndNothingSpansIt() {
        Scene scene = Scenes.shotCut(SCENE);
        FaceTracks tracks = analyse(scene);
        assertEquals(scene.shotStarts(), tracks.shots());
        int cut = Scenes.cutFrame(SCENE);
        for (Track t : tracks.tracks()) {
            assertTrue(t.endFrame() <= cut || t.firstFrame() >= cut, "track " + t.id() + " spans the cut at " + cut);
        }
        Map<Integer, String> who = identities(scene, tracks);
        assertEquals(2, who.values().stream().distinct().count(), who.toString());
        // the same person on both sides of the cut: still two tracks, neither crossing it
        Scene same = Scenes.shotCutSamePerson(SCENE);
        FaceTracks again = analyse(same);
        assertEquals(same.shotStarts(), again.shots());
        for (Track t : again.tracks()) {
            assertTrue(t.endFrame() <= cut || t.firstFrame() >= cut, "track " + t.id() + " spans the cut at " + cut);
        }
        assertTrue(again.tracks().size() >= 2, again.tracks().size() + " tracks");
    }

    @Test
    void framesWithNoFaceHaveNoTrackAndTheDistractorIsNotAFace() {
        Scene empty = Scenes.noFaceFrames(SCENE);
        FaceTracks tracks = analyse(empty);
        int[] span = Scenes.noFaceSpan(SCENE);
        for (Track t : tracks.tracks()) {
            for (TrackedFace f : t.frames()) {
                assertTrue(f.frame() < span[0] || f.frame() >= span[1] || f.interpolated(),
                        "a face found at frame " + f.frame() + ", which has none");
            }
        }
        identities(empty, tracks);
        Scene distractor = Scenes.distractor(SCENE);
        identities(distractor, analyse(distractor));  // every tracked face is on a true face, none on the object
    }

    @Test
    void aShortOcclusionKeepsTheTrack() {
        Scene scene = Scenes.occlusion(SCENE);
        FaceTracks tracks = analyse(scene);
        Map<Integer, String> who = identities(scene, tracks);
        assertEquals(1, who.size(), "one track through the occlusion: " + tracks.tracks().size() + " tracks");
    }
}
