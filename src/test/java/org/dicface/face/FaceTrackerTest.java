package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import org.dicface.face.SyntheticFaces.Pose;

class FaceTrackerTest {
    private static final double NOISE = 0.015;

    /** Runs the tracker over {@code frames} frames whose detections {@code detections} makes. */
    private static FaceTracks track(TrackerOptions options, int frames, IntFunction<List<Detection>> detections,
            int... cuts) {
        FaceTracker tracker = new FaceTracker(options);
        for (int f = 0; f < frames; f++) {
            boolean cut = false;
            for (int c : cuts) {
                cut |= c == f;
            }
            tracker.add(detections.apply(f), cut);
        }
        return tracker.finish(640, 480, 25);
    }

    private static double error(TrackedFace face, Pose truth) {
        return face.landmarks68().rmsDistance(new Landmarks(truth.points()));
    }

    /**
     * Two faces of the same size cross; while they overlap the one behind is not detected. Each track keeps its
     * own face all through, the crossing frames of the hidden one interpolated.
     */
    @Test
    void twoFacesCrossingKeepTheirIdentities() {
        int n = 60;
        List<Pose> a = new ArrayList<>();
        List<Pose> b = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            a.add(new Pose(100 + 8 * t, 240, 100, 0.05, 0.03));
            b.add(new Pose(572 - 8 * t, 250, 100, -0.05, 0.05));
        }
        Random r = new Random(11);
        List<Integer> hidden = new ArrayList<>();
        FaceTracks tracks = track(TrackerOptions.DEFAULT, n, f -> {
            List<Detection> d = new ArrayList<>();
            d.add(SyntheticFaces.detect(a.get(f), NOISE, r));
            if (a.get(f).box().iou(b.get(f).box()) < 0.2) {
                d.add(0, SyntheticFaces.detect(b.get(f), NOISE, r));
            } else {
                hidden.add(f);
            }
            return d;
        });
        assertTrue(hidden.size() >= 4 && hidden.size() <= 10, "frames hidden: " + hidden);
        assertEquals(2, tracks.tracks().size());
        for (Track t : tracks.tracks()) {
            assertEquals(0, t.firstFrame());
            assertEquals(n, t.endFrame());
            List<Pose> own = t.at(0).box().centerX() < 320 ? a : b;
            List<Pose> other = own == a ? b : a;
            for (TrackedFace f : t.frames()) {
                assertTrue(error(f, own.get(f.frame())) < 3, "track " + t.id() + " frame " + f.frame() + ": "
                        + error(f, own.get(f.frame())) + " px from its face");
                if (Math.abs(own.get(f.frame()).cx() - other.get(f.frame()).cx()) > 30) {
                    assertTrue(error(f, other.get(f.frame())) > 10);
                }
                assertEquals(own == b && hidden.contains(f.frame()), f.interpolated(), "frame " + f.frame());
            }
        }
    }

    /** A face hidden for 6 frames (within the default gap of 10) stays one track, filled in along its path. */
    @Test
    void shortOcclusionIsInterpolated() {
        List<Pose> truth = linear(40);
        Random r = new Random(5);
        FaceTracks tracks = track(TrackerOptions.DEFAULT, 40,
                f -> f >= 15 && f < 21 ? List.of() : List.of(SyntheticFaces.detect(truth.get(f), NOISE, r)));
        assertEquals(1, tracks.tracks().size());
        Track t = tracks.tracks().getFirst();
        assertEquals(1, t.id());
        assertEquals(0, t.firstFrame());
        assertEquals(40, t.endFrame());
        for (TrackedFace f : t.frames()) {
            assertEquals(f.frame() >= 15 && f.frame() < 21, f.interpolated(), "frame " + f.frame());
            assertTrue(error(f, truth.get(f.frame())) < 2.5, "frame " + f.frame() + ": " + error(f, truth.get(f.frame())));
        }
    }

    /** Hidden for 15 frames, longer than the gap allowed: the track ends and the face comes back as a new one. */
    @Test
    void longOcclusionEndsTheTrack() {
        List<Pose> truth = linear(50);
        Random r = new Random(6);
        FaceTracks tracks = track(TrackerOptions.DEFAULT, 50,
                f -> f >= 15 && f < 30 ? List.of() : List.of(SyntheticFaces.detect(truth.get(f), NOISE, r)));
        assertEquals(2, tracks.tracks().size());
        Track first = tracks.tracks().get(0);
        Track second = tracks.tracks().get(1);
        assertEquals(1, first.id());
        assertEquals(2, second.id());
        assertEquals(0, first.firstFrame());
        assertEquals(15, first.endFrame());
        assertEquals(30, second.firstFrame());
        assertEquals(50, second.endFrame());
        for (Track t : tracks.tracks()) {
            t.frames().forEach(f -> assertFalse(f.interpolated()));
        }
        // with a gap of 20 allowed it is one track again
        FaceTracks joined = track(TrackerOptions.DEFAULT.withMaxGap(20), 50,
                f -> f >= 15 && f < 30 ? List.of() : List.of(SyntheticFaces.detect(truth.get(f), NOISE, r)));
        assertEquals(1, joined.tracks().size());
    }

    /**
     * At a cut another person stands where the first one stood. The tracks end and start at the cut, and the
     * first track's last frames are not pulled towards the second person by the smoothing.
     */
    @Test
    void noAssociationOrSmoothingAcrossACut() {
        Random r = new Random(8);
        Pose before = new Pose(300, 240, 120, 0, 0.03);
        Pose after = new Pose(330, 250, 130, 0.1, 0.03);
        FaceTracks tracks = track(TrackerOptions.DEFAULT, 40,
                f -> List.of(SyntheticFaces.detect(f < 20 ? before : after, NOISE, r)), 20);
        assertEquals(List.of(0, 20), tracks.shots());
        assertEquals(2, tracks.tracks().size());
        assertEquals(20, tracks.tracks().get(0).endFrame());
        assertEquals(20, tracks.tracks().get(1).firstFrame());
        assertTrue(error(tracks.tracks().get(0).at(19), before) < 2, "last frame before the cut");
        assertTrue(error(tracks.tracks().get(1).at(20), after) < 2, "first frame after the cut");
        // without the cut the same detections are one track, blended at the change
        FaceTracks uncut = track(TrackerOptions.DEFAULT.withSmoother(new OfficialGaussian()), 40,
                f -> List.of(SyntheticFaces.detect(f < 20 ? before : after, NOISE, r)));
        assertEquals(1, uncut.tracks().size());
        assertTrue(error(uncut.tracks().getFirst().at(19), before) > 8);
    }

    /** The cut found by ShotCuts on the frames themselves ends the tracks, as a given cut does. */
    @Test
    void shotCutsDriveTheTracker() {
        Random r = new Random(9);
        ShotCuts cuts = new ShotCuts();
        FaceTracker tracker = new FaceTracker();
        Pose face = new Pose(60, 40, 40, 0, 0.03);
        for (int f = 0; f < 24; f++) {
            float[] rgb = SyntheticScenes.view(f < 12 ? 1 : 2, 128, 80, 2 * f, 0, 1, 0);
            try (org.dicface.torch.Tensor frame = org.dicface.torch.Tensor.of(rgb, 3, 80, 128)) {
                tracker.add(List.of(SyntheticFaces.detect(face, NOISE, r)), cuts.startsShot(frame));
            }
        }
        FaceTracks tracks = tracker.finish(128, 80, 25);
        assertEquals(List.of(0, 12), tracks.shots());
        assertEquals(2, tracks.tracks().size());
        assertEquals(12, tracks.tracks().get(1).firstFrame());
    }

    /** Frames with no face give no tracks; a face in some frames gives a track over just those. */
    @Test
    void framesWithNoFace() {
        FaceTracks none = track(TrackerOptions.DEFAULT, 12, f -> List.of());
        assertEquals(12, none.frames());
        assertEquals(List.of(0), none.shots());
        assertTrue(none.tracks().isEmpty());
        List<Pose> truth = linear(30);
        Random r = new Random(2);
        FaceTracks some = track(TrackerOptions.DEFAULT, 30,
                f -> f >= 8 && f < 20 ? List.of(SyntheticFaces.detect(truth.get(f), NOISE, r)) : List.of());
        assertEquals(1, some.tracks().size());
        assertEquals(8, some.tracks().getFirst().firstFrame());
        assertEquals(20, some.tracks().getFirst().endFrame());
    }

    /** A non-face detected in one frame only (and another in two) is dropped by the minimum track length. */
    @Test
    void oneFrameFalsePositiveIsDropped() {
        List<Pose> truth = linear(30);
        Random r = new Random(4);
        Pose distractor = new Pose(500, 100, 60, 0.3, 0.1);
        Pose other = new Pose(100, 400, 50, 0, 0.1);
        FaceTracks tracks = track(TrackerOptions.DEFAULT, 30, f -> {
            List<Detection> d = new ArrayList<>(List.of(SyntheticFaces.detect(truth.get(f), NOISE, r)));
            if (f == 12) {
                d.add(SyntheticFaces.detect(distractor, NOISE, r));
            }
            if (f == 20 || f == 21) {
                d.add(SyntheticFaces.detect(other, NOISE, r));
            }
            return d;
        });
        assertEquals(1, tracks.tracks().size());
        assertEquals(30, tracks.tracks().getFirst().frames().size());
        assertEquals(2, track(TrackerOptions.DEFAULT.withMinTrackLength(2), 30, f -> {
            List<Detection> d = new ArrayList<>(List.of(SyntheticFaces.detect(truth.get(f), NOISE, r)));
            if (f == 20 || f == 21) {
                d.add(SyntheticFaces.detect(other, NOISE, r));
            }
            return d;
        }).tracks().size());
    }

    /** A one-frame clip (a photo) keeps its faces: a shot shorter than the minimum length needs every frame. */
    @Test
    void aPhotoKeepsItsFaces() {
        Random r = new Random(1);
        FaceTracks tracks = track(TrackerOptions.DEFAULT, 1, f -> List.of(
                SyntheticFaces.detect(new Pose(100, 100, 80, 0, 0.03), NOISE, r),
                SyntheticFaces.detect(new Pose(400, 200, 90, 0, 0.03), NOISE, r)));
        assertEquals(2, tracks.tracks().size());
        assertEquals(List.of(0), tracks.shots());
        TrackedFace f = tracks.tracks().getFirst().at(0);
        assertEquals(f.landmarks68().alignmentPoints(), f.landmarks5());
    }

    /** Faces smaller than the minimum size are not tracked. */
    @Test
    void minimumFaceSize() {
        Random r = new Random(3);
        IntFunction<List<Detection>> small = f -> List.of(SyntheticFaces.detect(new Pose(100 + f, 100, 20, 0, 0.03),
                NOISE, r), SyntheticFaces.detect(new Pose(300 + f, 200, 30, 0, 0.03), NOISE, r));
        FaceTracks byDefault = track(TrackerOptions.DEFAULT, 10, small);
        assertEquals(1, byDefault.tracks().size());
        assertTrue(byDefault.tracks().getFirst().at(0).box().width() > 25);
        assertEquals(2, track(TrackerOptions.DEFAULT.withMinFaceSize(16), 10, small).tracks().size());
        assertEquals(0, track(TrackerOptions.DEFAULT.withMinFaceSize(40), 10, small).tracks().size());
    }

    private static List<Pose> linear(int n) {
        List<Pose> p = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            p.add(new Pose(200 + 4 * t, 200 + 1.5 * t, 110, 0, 0.03));
        }
        return p;
    }
}
