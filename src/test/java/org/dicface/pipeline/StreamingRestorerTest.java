package org.dicface.pipeline;

import org.dicface.video.FrameSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.Fixture;
import org.dicface.model.ModelLoader;
import org.dicface.model.Probe;
import org.dicface.model.Sampling;
import org.dicface.torch.Device;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The streaming scheme gives what the full network gives on each centred, clamped 5-frame group. */
class StreamingRestorerTest extends ScopedTest {
    static DicFace model;
    static List<Tensor> clip;  // 7 frames [3,128,128]

    @BeforeAll
    static void load() throws IOException {
        DicFaceConfig config = DicFaceConfig.read(Fixture.file("config.json"));
        model = ModelLoader.load(config, Fixture.file("weights.safetensors"), Device.CPU);
        clip = Scope.unowned(() -> {
            try (Scope s = Scope.open()) {
                Tensor input = org.dicface.io.SafeTensors.read(Fixture.file("io.safetensors")).get("input");
                List<Tensor> frames = new ArrayList<>(input.chunk(5, 0));
                frames.add(frames.get(3).neg());
                frames.add(frames.get(1).mul(0.5));
                List<Tensor> kept = new ArrayList<>();
                for (Tensor f : frames) {
                    kept.add(s.keep(f.reshape(3, 128, 128).contiguous()));
                }
                return kept;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void free() {
        if (model != null) {
            model.close();
            clip.forEach(Tensor::close);
        }
    }

    static FrameSource source(List<Tensor> frames) {
        return FrameSource.of(frames.size(), 128, 128, i -> frames.get(i).copy());
    }

    /** A one-frame source of any size. */
    static FrameSource sourceOf(Tensor frame) {
        return FrameSource.of(1, (int) frame.size(2), (int) frame.size(1), i -> frame.copy());
    }

    static List<float[]> run(List<Tensor> frames, Settings settings) {
        List<float[]> out = new ArrayList<>();
        new StreamingRestorer(model, Device.CPU, settings).run(source(frames), (i, f) -> out.add(f.toFloatArray()), null, Progress.NONE);
        return out;
    }

    static Settings mean() {
        return new Settings(new Sampling.Mean(), 0, 1.0, Settings.Uncertainty.NONE);
    }

    /** The official network on the group [i-2 .. i+2] (clamped), output position 2. */
    static float[] reference(List<Tensor> frames, int i) {
        try (Scope s = Scope.open(); GradMode.Guard g = GradMode.INFERENCE.enter()) {
            List<Tensor> group = new ArrayList<>();
            for (int k = i - 2; k <= i + 2; k++) {
                group.add(frames.get(Math.clamp(k, 0, frames.size() - 1)).unsqueeze(0));
            }
            Tensor out = model.forward(Tensor.cat(group, 0), new Sampling.Mean(), null, 1.0, Probe.NONE).out();
            return out.narrow(0, 2, 1).toFloatArray();
        }
    }

    @Test
    void everyFrameEqualsTheFullNetworkOnItsCentredGroup() {
        List<float[]> out = run(clip, mean());
        assertEquals(7, out.size());
        for (int i = 0; i < 7; i++) {
            double rel = Fixture.relativeError(out.get(i), reference(clip, i));
            assertTrue(rel < 1e-4, "frame " + i + ": rel " + rel);  // the fixture's tolerance: batch size changes kernel sums
        }
    }

    @Test
    void clipsOfOneToFourFramesWork() {
        for (int n = 1; n <= 4; n++) {
            List<Tensor> shortClip = clip.subList(0, n);
            List<float[]> out = run(shortClip, mean());
            assertEquals(n, out.size());
            for (int i = 0; i < n; i++) {
                assertTrue(Fixture.relativeError(out.get(i), reference(shortClip, i)) < 1e-4, n + " frames, frame " + i);
            }
        }
    }

    @Test
    void eachFrameIsEncodedOnceAndTheCacheStaysSmall() {
        int groupSize = model.config().frameLength();
        List<Tensor> longClip = new ArrayList<>(clip);
        longClip.addAll(clip);  // 14 frames: long enough for the cache to grow if it were not trimmed
        for (List<Tensor> frames : List.of(clip, longClip)) {
            StreamingRestorer.Summary s = new StreamingRestorer(model, Device.CPU, mean()).run(source(frames), (i, f) -> { }, null,
                    (done, total) -> true);
            assertEquals(frames.size(), s.frames());
            assertEquals(frames.size(), s.encoderPasses(), "each frame encoded once");
            assertEquals(groupSize, s.mostCachedFrames(), frames.size() + " frames: one group of encoded frames held at most");
            assertEquals(64, s.codebookUsage().share().length);
            assertEquals(1, Arrays.stream(s.codebookUsage().share()).sum(), 1e-9);
        }
        org.dicface.torch.LiveHandles.Check handles = org.dicface.torch.LiveHandles.check();
        run(clip, mean());
        handles.assertNothingLeft("no handle outlives a run");
    }

    @Test
    void everySamplingModeIsReproducible() {
        for (String mode : new String[] {"sample", "mean", "mc:3", "argmax", "topk:4"}) {
            Settings a = new Settings(Sampling.parse(mode), 42, 1.0, Settings.Uncertainty.NONE);
            List<float[]> first = run(clip.subList(0, 3), a);
            List<float[]> second = run(clip.subList(0, 3), a);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(first.get(i), second.get(i), mode + " frame " + i);
            }
        }
        List<float[]> seed1 = run(clip.subList(0, 2), new Settings(new Sampling.Sample(), 1, 1.0, Settings.Uncertainty.NONE));
        List<float[]> seed2 = run(clip.subList(0, 2), new Settings(new Sampling.Sample(), 2, 1.0, Settings.Uncertainty.NONE));
        assertFalse(Arrays.equals(seed1.get(1), seed2.get(1)), "another seed, another sample");
        // a frame does not depend on the frames restored before it
        List<float[]> whole = run(clip, new Settings(new Sampling.Sample(), 9, 1.0, Settings.Uncertainty.NONE));
        List<float[]> prefix = run(clip.subList(0, 3), new Settings(new Sampling.Sample(), 9, 1.0, Settings.Uncertainty.NONE));
        assertArrayEquals(whole.get(0), prefix.get(0));
    }

    @Test
    void progressReportsAndCancelStops() {
        List<Integer> seen = new ArrayList<>();
        List<Integer> written = new ArrayList<>();
        CancelledException e = assertThrows(CancelledException.class, () -> new StreamingRestorer(model, Device.CPU, mean())
                .run(source(clip), (i, f) -> written.add(i), null, (done, total) -> {
                    seen.add(done);
                    return done < 2;
                }));
        assertEquals(List.of(1, 2), seen);
        assertEquals(List.of(0, 1), written);
        assertTrue(e.getMessage().contains("after 2 of 7"));
    }

    @Test
    void uncertaintyMapsHaveTheFrameSize() {
        List<long[]> shapes = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        new StreamingRestorer(model, Device.CPU, new Settings(new Sampling.Mean(), 0, 1.0, Settings.Uncertainty.CONCENTRATION))
                .run(source(clip.subList(0, 2)), (i, f) -> { }, (i, m) -> {
                    shapes.add(m.shape());
                    values.add(m.toFloatArray()[0]);
                }, Progress.NONE);
        assertEquals(2, shapes.size());
        assertArrayEquals(new long[] {1, 128, 128}, shapes.get(0));
        assertTrue(values.get(0) > 64 * 0.01, "sum(alpha) of 64 entries exceeds 64 x 0.01");
    }
}
