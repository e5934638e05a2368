package org.dicface.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dicface.face.FaceTemplate;
import org.dicface.face.FaceTracks;
import org.dicface.face.Landmarks;
import org.dicface.face.PasteBack;
import org.dicface.face.Similarity;
import org.dicface.face.SyntheticFaces;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.face.Warp;
import org.dicface.model.DicFace;
import org.dicface.model.Fixture;
import org.dicface.model.Sampling;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restoring tracked faces in place, checked against an independent composition of the parts: each track's
 * aligned crops restored on their own as one clip (so the temporal window is the track's, clamped at its ends),
 * pasted back frame by frame. Outside the faces the output is the input, value for value.
 */
class FaceRestorationTest extends ScopedTest {
    static DicFace model;
    static final Settings SAMPLE = new Settings(new Sampling.Sample(), 3, 1.0, Settings.Uncertainty.NONE);
    static final int W = 180;
    static final int H = 140;
    static final int FRAMES = 9;

    @BeforeAll
    static void load() throws IOException {
        model = Fixture.model();
    }

    @AfterAll
    static void free() {
        model.close();
    }

    /** A textured video, each frame made on demand. */
    static FrameSource video() {
        return FrameSource.of(FRAMES, W, H, i -> Tensor.uniform(-1, 1, new Generator(100 + i), 3, H, W));
    }

    /** A face of {@code size} pixels moving right by 3 px a frame, from {@code first} for {@code length} frames. */
    static Track track(int id, int first, int length, double cx, double cy, double size) {
        List<TrackedFace> frames = new ArrayList<>();
        for (int f = first; f < first + length; f++) {
            SyntheticFaces.Pose pose = new SyntheticFaces.Pose(cx + 3 * (f - first), cy, size, 0.05, 0);
            Landmarks l68 = new Landmarks(pose.points());
            frames.add(new TrackedFace(f, pose.box(), 0.9, l68.alignmentPoints(), l68, false));
        }
        return new Track(id, frames);
    }

    static FaceTracks tracks(Track... tracks) {
        return new FaceTracks(W, H, FRAMES, 25, List.of(0), List.of(tracks));
    }

    /** The expected frames: each track's crops restored alone, composited in the frame with PasteBack. */
    static List<float[]> expected(FaceTracks tracks) {
        int size = model.config().imgSize();
        FrameSource video = video();
        List<CapturingSink> restored = new ArrayList<>();
        for (Track t : tracks.tracks()) {
            FrameSource crops = FrameSource.of(t.frames().size(), size, size, j -> {
                TrackedFace face = t.frames().get(j);
                return Warp.align(video.frame(face.frame()), FaceTemplate.alignment(face.landmarks5(), size), size);
            });
            CapturingSink sink = new CapturingSink();
            new StreamingRestorer(model, Device.CPU, SAMPLE).run(crops, sink, null, Progress.NONE);
            restored.add(sink);
        }
        List<float[]> out = new ArrayList<>();
        for (int f = 0; f < FRAMES; f++) {
            List<PasteBack.PlacedFace> faces = new ArrayList<>();
            for (int k = 0; k < tracks.tracks().size(); k++) {
                Track t = tracks.tracks().get(k);
                if (f >= t.firstFrame() && f < t.endFrame()) {
                    TrackedFace face = t.at(f);
                    Similarity s = FaceTemplate.alignment(face.landmarks5(), size);
                    faces.add(PasteBack.PlacedFace.of(restored.get(k).frame(f - t.firstFrame()), s, face.landmarks68()));
                }
            }
            Tensor frame = video.frame(f);
            out.add(faces.isEmpty() ? frame.toFloatArray() : PasteBack.composite(frame, faces, false).toFloatArray());
        }
        return out;
    }

    static CapturingSink restore(FaceTracks tracks, ClipRestoration.Job job) {
        CapturingSink sink = new CapturingSink();
        StreamingRestorer.Summary s = FaceRestoration.run(model, Device.CPU, SAMPLE, video(), tracks, job, sink, Progress.NONE);
        assertEquals(FRAMES, s.frames());
        int faces = tracks.tracks().stream().mapToInt(t -> t.frames().size()).sum();
        assertEquals(faces, s.encoderPasses(), "each face crop is encoded once");
        return sink;
    }

    @Test
    void overlappingTracksAreEachRestoredInTheirOwnWindowAndPastedBack() {
        // track 1 is shorter than the window (clamped at both ends); track 2 starts while 1 runs, and ends last
        FaceTracks tracks = tracks(track(1, 1, 4, 50, 60, 60), track(2, 3, 6, 120, 70, 70));
        CapturingSink sink = restore(tracks, ClipRestoration.Job.restore());
        List<float[]> want = expected(tracks);
        assertEquals(FRAMES, sink.count());
        for (int f = 0; f < FRAMES; f++) {
            assertEquals(f, sink.index(f));
            assertArrayEquals(want.get(f), sink.frame(f).toFloatArray(), "frame " + f);
        }
    }

    @Test
    void outsideEveryFaceTheOutputIsTheInputValueForValue() {
        FaceTracks tracks = tracks(track(1, 2, 5, 80, 70, 64));
        CapturingSink sink = restore(tracks, ClipRestoration.Job.restore());
        FrameSource video = video();
        for (int f = 0; f < FRAMES; f++) {
            float[] in = video.frame(f).toFloatArray();
            float[] out = sink.frame(f).toFloatArray();
            int changed = 0;
            for (int i = 0; i < in.length; i++) {
                if (in[i] != out[i]) {
                    changed++;
                    int x = i % W;
                    int y = (i / W) % H;
                    // every changed pixel lies inside the face's box, widened by the mask's forehead and feather
                    TrackedFace face = tracks.tracks().getFirst().at(f);
                    double cx = face.box().centerX();
                    double cy = face.box().centerY();
                    assertTrue(Math.abs(x - cx) < face.box().width() && Math.abs(y - cy) < face.box().height(),
                            "frame " + f + ": pixel " + x + "," + y + " changed, far from the face");
                }
            }
            boolean hasFace = f >= 2 && f < 7;
            assertEquals(hasFace, changed > 0, "frame " + f + ": " + changed + " values changed");
        }
    }

    /** A gray video: each frame's luma in all three channels. */
    static FrameSource grayVideo() {
        return Frames.grayed(video());
    }

    @Test
    void colorizationColoursTheFacesAndLeavesTheRestGray() {
        FaceTracks tracks = tracks(track(1, 0, FRAMES, 60, 70, 64));
        CapturingSink sink = new CapturingSink();
        FaceRestoration.run(model, Device.CPU, SAMPLE, grayVideo(), tracks, ClipRestoration.Job.colorize(), sink, Progress.NONE);
        FrameSource gray = grayVideo();
        for (int f = 0; f < FRAMES; f++) {
            float[] in = gray.frame(f).toFloatArray();
            float[] out = sink.frame(f).toFloatArray();
            int plane = W * H;
            int coloured = 0;
            for (int i = 0; i < plane; i++) {
                boolean same = in[i] == out[i] && in[plane + i] == out[plane + i] && in[2 * plane + i] == out[2 * plane + i];
                boolean grayOut = out[i] == out[plane + i] && out[plane + i] == out[2 * plane + i];
                if (!grayOut) {
                    coloured++;
                }
                if (Math.abs(i % W - 60 - 3 * f) > 64 || Math.abs(i / W - 70) > 64) {
                    assertTrue(same, "frame " + f + ": pixel " + i % W + "," + i / W + " away from the face stays as it was");
                }
            }
            assertTrue(coloured > 0, "frame " + f + ": the face is coloured");
        }
    }

    @Test
    void inpaintingChangesOnlyTheMaskedPixels() {
        FaceTracks tracks = tracks(track(1, 0, FRAMES, 80, 70, 70));
        // a hole across the face (frame coordinates), the same on every frame
        Masks holes = frame -> {
            float[] m = new float[W * H];
            for (int y = 60; y < 80; y++) {
                for (int x = 60; x < 110; x++) {
                    m[y * W + x] = 1;
                }
            }
            return Tensor.of(m, 1, H, W);
        };
        CapturingSink sink = new CapturingSink();
        FaceRestoration.run(model, Device.CPU, SAMPLE, video(), tracks, ClipRestoration.Job.inpaint(holes), sink, Progress.NONE);
        FrameSource video = video();
        for (int f = 0; f < FRAMES; f++) {
            float[] in = video.frame(f).toFloatArray();
            float[] out = sink.frame(f).toFloatArray();
            int changedInside = 0;
            for (int i = 0; i < in.length; i++) {
                int x = i % W;
                int y = (i / W) % H;
                boolean hole = y >= 60 && y < 80 && x >= 60 && x < 110;
                if (!hole) {
                    assertEquals(in[i], out[i], "frame " + f + ": pixel " + x + "," + y + " outside the hole");
                } else if (in[i] != out[i]) {
                    changedInside++;
                }
            }
            assertTrue(changedInside > 0, "frame " + f + ": the hole is filled");
        }
    }

    @Test
    void aGrayVideoGetsGrayFacesBack() {
        FaceTracks tracks = tracks(track(1, 1, 6, 70, 70, 64));
        CapturingSink sink = new CapturingSink();
        FaceRestoration.run(model, Device.CPU, SAMPLE, grayVideo(), tracks, ClipRestoration.Job.restore(), sink, Progress.NONE);
        int plane = W * H;
        for (int f = 0; f < FRAMES; f++) {
            float[] out = sink.frame(f).toFloatArray();
            for (int i = 0; i < plane; i++) {
                assertEquals(out[i], out[plane + i], 1e-6, "frame " + f + ": gray in, gray out");
                assertEquals(out[i], out[2 * plane + i], 1e-6, "frame " + f + ": gray in, gray out");
            }
        }
    }

    @Test
    void noTracksGiveTheVideoBackUnchanged() {
        CapturingSink sink = restore(tracks(), ClipRestoration.Job.restore());
        FrameSource video = video();
        for (int f = 0; f < FRAMES; f++) {
            assertArrayEquals(video.frame(f).toFloatArray(), sink.frame(f).toFloatArray());
        }
    }

    /**
     * A video cut into segments, each restored apart (its faces' windows reaching into the frames around it, tracks
     * that began before it picked up where they are), with 2 frames per step: put together, bit for bit the whole run.
     */
    @Test
    void segmentsRestoredApartAreTheWholeRun() {
        FaceTracks tracks = tracks(track(1, 1, 4, 50, 60, 60), track(2, 3, 6, 120, 70, 70));
        CapturingSink whole = restore(tracks, ClipRestoration.Job.restore());
        int[][] cuts = {{0, 2}, {2, 4}, {4, 5}, {5, 9}};
        int n = 0;
        for (int[] cut : cuts) {
            CapturingSink part = new CapturingSink();
            StreamingRestorer.Summary s = FaceRestoration.run(model, Device.CPU,
                    SAMPLE.withFrames(new FrameRange(cut[0], cut[1])).withBatch(2), video(), tracks,
                    ClipRestoration.Job.restore(), part, Progress.NONE);
            assertEquals(cut[1] - cut[0], s.frames());
            for (int k = 0; k < part.count(); k++, n++) {
                assertEquals(n, part.index(k), "the video's own frame index");
                assertArrayEquals(whole.frame(n).toFloatArray(), part.frame(k).toFloatArray(), "frame " + n);
            }
        }
        assertEquals(FRAMES, n);
    }

    @Test
    void tracksOfAnotherVideoAreRefusedWithTheFix() {
        FaceTracks other = new FaceTracks(W + 1, H, FRAMES, 25, List.of(0), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaceRestoration.run(model,
                Device.CPU, SAMPLE, video(), other, ClipRestoration.Job.restore(), new CapturingSink(), Progress.NONE));
        assertTrue(e.getMessage().contains("181x140") && e.getMessage().contains("dicface faces"), e.getMessage());
    }
}
