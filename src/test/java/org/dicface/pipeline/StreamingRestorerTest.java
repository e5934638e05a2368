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
            for (int batch : new int[] {1, 3}) {
                StreamingRestorer.Summary s = new StreamingRestorer(model, Device.CPU, mean().withBatch(batch))
                        .run(source(frames), (i, f) -> { }, null, (done, total) -> true);
                assertEquals(frames.size(), s.frames());
                assertEquals(frames.size(), s.encoderPasses(), "each frame encoded once");
                assertTrue(s.mostCachedFrames() <= batch + groupSize - 1, frames.size() + " frames, batch " + batch
                        + ": one batch and its windows' extra frames held at most, not " + s.mostCachedFrames());
                if (batch == 1) {
                    assertEquals(groupSize, s.mostCachedFrames(), "one frame per step: one group held");
                }
                assertEquals(batch, s.batch());
            }
            StreamingRestorer.Summary s = new StreamingRestorer(model, Device.CPU, mean()).run(source(frames), (i, f) -> { }, null,
                    (done, total) -> true);
            assertEquals(64, s.codebookUsage().share().length);
            assertEquals(1, Arrays.stream(s.codebookUsage().share()).sum(), 1e-9);
        }
        org.dicface.torch.LiveHandles.Check handles = org.dicface.torch.LiveHandles.check();
        run(clip, mean());
        handles.assertNothingLeft("no handle outlives a run");
    }

    /** Frames and maps of a run, for comparing runs. */
    record Run(List<float[]> frames, List<float[]> maps, StreamingRestorer.Summary summary) {
    }

    static Run runWithMaps(List<Tensor> frames, Settings settings, boolean windowsTogether) {
        return runWithMaps(frames, settings, windowsTogether, false);
    }

    static Run runWithMaps(List<Tensor> frames, Settings settings, boolean windowsTogether, boolean lookAhead) {
        return runWithMaps(frames, settings, new StreamingRestorer.Schedule(windowsTogether, lookAhead, null), Progress.NONE);
    }

    static Run runWithMaps(List<Tensor> frames, Settings settings, StreamingRestorer.Schedule schedule, Progress progress) {
        List<float[]> out = new ArrayList<>();
        List<float[]> maps = new ArrayList<>();
        StreamingRestorer.Summary s = new StreamingRestorer(model, Device.CPU, settings, schedule).run(source(frames),
                (i, f) -> out.add(f.toFloatArray()), (i, m) -> maps.add(m.toFloatArray()), progress);
        return new Run(out, maps, s);
    }

    /**
     * The encoder, the token part and the generator replayed from graphs (RerunGraph: CUDA graphs' stand-in on the CPU, a replay writing into the
     * graph's own output) gives every frame and map of the run without graphs, bit for bit, with and without looking
     * ahead (when the next step's replay overwrites the output this step still needs); a shape is captured at its second
     * step and replayed from its third, the clip's shorter last step is never captured, and every graph is closed. A
     * capture that fails, or a graph that cannot begin, gives one note and the same frames; running out of memory while
     * warming one up halves the batch, as without graphs.
     */
    @Test
    void replayedGraphsGiveTheSameFrames() {
        org.dicface.torch.LiveHandles.Check handles = org.dicface.torch.LiveHandles.check();
        Settings settings = new Settings(new Sampling.Sample(), 3, 1.0, Settings.Uncertainty.ENTROPY);
        int n = clip.size();
        for (boolean lookAhead : new boolean[] {false, true}) {
            for (int batch : new int[] {1, 2, 3}) {
                String what = "batch " + batch + (lookAhead ? ", looking ahead" : "");
                Run plain = runWithMaps(clip, settings.withBatch(batch), new StreamingRestorer.Schedule(true, lookAhead, null), Progress.NONE);
                RerunGraph.Counts counts = new RerunGraph.Counts();
                List<String> notes = new ArrayList<>();
                Run replayed = runWithMaps(clip, settings.withBatch(batch), new StreamingRestorer.Schedule(true, lookAhead,
                        () -> new RerunGraph(counts, RerunGraph.Fail.NEVER)), Progress.of(Progress.NONE, notes::add));
                assertEquals(List.of(), notes, what);
                assertEquals(n, replayed.frames().size(), what);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(plain.frames().get(i), replayed.frames().get(i), what + ", frame " + i);
                    assertArrayEquals(plain.maps().get(i), replayed.maps().get(i), what + ", map " + i);
                }
                // a shape's graph is captured at its second step and replayed from its third. The token part and the
                // generator see batch-sized steps (7 frames: 7, 3 or 2 of them) and a shorter last one; the encoder
                // sees a step's new frames: batch 1: 3, 1, 1, 1, 1 (then none); batch 2: 4, 2, 1; batch 3: 5, 2
                int[] captures = {0, 3, 2, 2};
                int[] replays = {0, 2 * 5 + 2, 2 * 1, 0};
                assertEquals(captures[batch], counts.captures, what + ": captures");
                assertEquals(replays[batch], counts.replays, what + ": replays");
                assertEquals(0, counts.open, what + ": graphs left open");
            }
        }
        // two streams open at once (the faces of a video) share the graphs: one capture, and closed with the last stream
        RerunGraph.Counts shared = new RerunGraph.Counts();
        StreamingRestorer restorer = new StreamingRestorer(model, Device.CPU, settings.withBatch(1),
                new StreamingRestorer.Schedule(true, false, () -> new RerunGraph(shared, RerunGraph.Fail.NEVER)));
        List<float[]> alone = runWithMaps(clip, settings.withBatch(1), new StreamingRestorer.Schedule(true, false, null),
                Progress.NONE).frames();
        try (StreamingRestorer.Stream first = restorer.open(source(clip), new FrameRange(0, n), false, Progress.NONE)) {
            try (StreamingRestorer.Stream second = restorer.open(source(clip), new FrameRange(2, n), false, Progress.NONE)) {
                for (int i = 0; i < n; i++) {
                    try (org.dicface.torch.Scope scope = org.dicface.torch.Scope.open()) {
                        assertArrayEquals(alone.get(i), first.next().frame().toFloatArray(), "first stream, frame " + i);
                        if (i >= 2) {
                            assertArrayEquals(alone.get(i), second.next().frame().toFloatArray(), "second stream, frame " + i);
                        }
                    }
                }
            }
            assertEquals(3, shared.captures, "the encoder, the token part and the generator captured once for both streams");
            assertEquals(3, shared.open, "the graphs live while a stream is open");
        }
        assertEquals(0, shared.open, "closed with the last stream");

        Run plain = runWithMaps(clip, settings.withBatch(1), new StreamingRestorer.Schedule(true, true, null), Progress.NONE);
        for (RerunGraph.Fail fail : new RerunGraph.Fail[] {RerunGraph.Fail.CAPTURE, RerunGraph.Fail.BEGIN}) {
            List<String> notes = new ArrayList<>();
            RerunGraph.Counts counts = new RerunGraph.Counts();
            Run failing = runWithMaps(clip, settings.withBatch(1), new StreamingRestorer.Schedule(true, true,
                    () -> new RerunGraph(counts, fail)), Progress.of(Progress.NONE, notes::add));
            assertEquals(1, notes.size(), fail + ", one note: " + notes);
            assertTrue(notes.get(0).startsWith("CUDA graphs do not work here ("), notes.get(0));
            for (int i = 0; i < n; i++) {
                assertArrayEquals(plain.frames().get(i), failing.frames().get(i), fail + ", frame " + i);
            }
            assertEquals(0, counts.captures, fail + ": nothing captured");
            assertEquals(0, counts.open, fail + ": the failed graph is closed");
        }
        // out of memory while warming a graph up is what it is without graphs: the batch halves, the run goes on
        Settings mean = new Settings(new Sampling.Mean(), 3, 1.0, Settings.Uncertainty.NONE);
        List<String> notes = new ArrayList<>();
        RerunGraph.Counts oom = new RerunGraph.Counts();
        Run halved = runWithMaps(clip, mean.withBatch(2), new StreamingRestorer.Schedule(true, true,
                () -> new RerunGraph(oom, RerunGraph.Fail.OUT_OF_MEMORY_ONCE)), Progress.of(Progress.NONE, notes::add));
        Run reference = runWithMaps(clip, mean.withBatch(1), new StreamingRestorer.Schedule(true, true, null), Progress.NONE);
        assertEquals(1, notes.size(), "one note: " + notes);
        assertTrue(notes.get(0).startsWith("out of memory with 2 frames per step"), notes.get(0));
        assertEquals(1, halved.summary().batch());
        for (int i = 0; i < n; i++) {
            assertTrue(Fixture.relativeError(halved.frames().get(i), reference.frames().get(i)) <= 1e-4, "after halving, frame " + i);
        }
        assertEquals(0, oom.open, "no graph left open after halving");
        assertThrows(IllegalArgumentException.class,
                () -> new StreamingRestorer.Schedule(false, true, () -> new RerunGraph(new RerunGraph.Counts(), RerunGraph.Fail.NEVER)));
        handles.assertNothingLeft("no handle outlives a run with graphs");
    }

    /**
     * Looking a step ahead (a GPU's order: the next step's token part queued before this step's draws) changes no
     * value: frames, maps and codebook usage bit for bit, for drawing modes, batches and clips shorter than a batch;
     * it does hold the next step's frames in the cache (so it did look ahead), within 2 batches + the window, and
     * leaves no handle behind.
     */
    @Test
    void lookingAheadChangesNoValue() {
        int t = model.config().frameLength();
        org.dicface.torch.LiveHandles.Check handles = org.dicface.torch.LiveHandles.check();
        for (String mode : new String[] {"sample", "mc:2"}) {
            Settings settings = new Settings(Sampling.parse(mode), 3, 1.0, Settings.Uncertainty.ENTROPY);
            for (int n : new int[] {7, 3, 1}) {
                for (int batch : new int[] {1, 2, 3, 8}) {
                    String what = mode + ", " + n + " frames, batch " + batch;
                    Run plain = runWithMaps(clip.subList(0, n), settings.withBatch(batch), false, false);
                    Run ahead = runWithMaps(clip.subList(0, n), settings.withBatch(batch), false, true);
                    assertEquals(n, ahead.frames().size(), what);
                    for (int i = 0; i < n; i++) {
                        assertArrayEquals(plain.frames().get(i), ahead.frames().get(i), what + ", frame " + i);
                        assertArrayEquals(plain.maps().get(i), ahead.maps().get(i), what + ", map " + i);
                    }
                    assertArrayEquals(plain.summary().codebookUsage().share(), ahead.summary().codebookUsage().share(), 0, what);
                    assertTrue(ahead.summary().mostCachedFrames() <= 2 * batch + t - 1, what + ": " + ahead.summary().mostCachedFrames());
                    if (n == 7 && batch == 2) {
                        assertTrue(ahead.summary().mostCachedFrames() > plain.summary().mostCachedFrames(),
                                what + ": the next step's frames should be in the cache");
                    }
                }
            }
        }
        handles.assertNothingLeft("no handle outlives a run that looked ahead");
    }

    /**
     * Batched steps give every frame (and map) of one frame per step, for any batch and clips shorter than it: bit for
     * bit with the token part one call per frame (the CPU's way), seeded draws included. With one call per batch (a
     * GPU's way) the tokens move in their last bits (3e-7), which this random test network (its logits and fusion
     * scaled up) makes 2e-5 of its output: checked with the fixture's tolerance, 1e-4, and the mean (a draw is not
     * continuous in alpha: Gamma's rejection sampler may take another candidate when alpha moves in its last bits).
     */
    @Test
    void batchedEqualsUnbatched() {
        Settings drawn = new Settings(new Sampling.Sample(), 5, 1.0, Settings.Uncertainty.ENTROPY);
        Settings mean = new Settings(new Sampling.Mean(), 5, 1.0, Settings.Uncertainty.ENTROPY);
        for (int n : new int[] {7, 3, 1}) {
            List<Tensor> frames = clip.subList(0, n);
            Run one = runWithMaps(frames, drawn.withBatch(1), false);
            Run oneMean = runWithMaps(frames, mean.withBatch(1), false);
            for (int batch = n == 7 ? 1 : 8; batch <= 8; batch++) {  // every batch on 7 frames, and clips shorter than one
                for (boolean together : new boolean[] {false, true}) {
                    Run many = runWithMaps(frames, (together ? mean : drawn).withBatch(batch), together);
                    Run ref = together ? oneMean : one;
                    String what = n + " frames, batch " + batch + (together ? ", token part in one call" : "");
                    assertEquals(n, many.frames().size(), what);
                    assertEquals(batch, many.summary().batch(), what);
                    for (int i = 0; i < n; i++) {
                        if (together) {
                            double rel = Fixture.relativeError(many.frames().get(i), ref.frames().get(i));
                            assertTrue(rel <= 1e-4, what + ", frame " + i + ": rel " + rel);
                            double relMap = Fixture.relativeError(many.maps().get(i), ref.maps().get(i));
                            assertTrue(relMap <= 1e-4, what + ", map " + i + ": rel " + relMap);
                        } else {
                            assertArrayEquals(ref.frames().get(i), many.frames().get(i), what + ", frame " + i);
                            assertArrayEquals(ref.maps().get(i), many.maps().get(i), what + ", map " + i);
                        }
                    }
                    assertArrayEquals(ref.summary().codebookUsage().share(), many.summary().codebookUsage().share(), together ? 1e-6 : 1e-9, what);
                }
            }
        }
    }

    /**
     * Channels-last convolutions through the whole streaming path (cache, batches, frames handed out): the same frames
     * up to rounding (other kernels sum in another order; this random network turns ~1e-6 into ~2e-5, as above).
     */
    @Test
    void channelsLastGivesTheSameFrames() {
        Settings mean = new Settings(new Sampling.Mean(), 5, 1.0, Settings.Uncertainty.ENTROPY).withBatch(3);
        Run plain = runWithMaps(clip, mean, false);
        boolean before = org.dicface.torch.Torch.channelsLast();
        Run nhwc;
        try {
            org.dicface.torch.Torch.channelsLast(true);
            nhwc = runWithMaps(clip, mean, false);
        } finally {
            org.dicface.torch.Torch.channelsLast(before);
        }
        for (int i = 0; i < clip.size(); i++) {
            double rel = Fixture.relativeError(nhwc.frames().get(i), plain.frames().get(i));
            assertTrue(rel <= 1e-4, "frame " + i + ": rel " + rel);
            assertTrue(Fixture.relativeError(nhwc.maps().get(i), plain.maps().get(i)) <= 1e-4, "map " + i);
        }
    }

    /** Out of memory with a batch: the step is done again with half of it (a note says so); with one frame, a clear error. */
    @Test
    void outOfMemoryHalvesTheBatch() {
        List<float[]> expected = run(clip, mean().withBatch(1));
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        FrameSource oomOnce = FrameSource.of(clip.size(), 128, 128, i -> {
            if (i == 5 && !failed.getAndSet(true)) {
                throw new org.dicface.torch.TorchException("CUDA out of memory. Tried to allocate 2.00 GiB");
            }
            return clip.get(i).copy();
        });
        List<String> notes = new ArrayList<>();
        List<float[]> out = new ArrayList<>();
        StreamingRestorer.Summary s = new StreamingRestorer(model, Device.CPU, mean().withBatch(8)).run(oomOnce,
                (i, f) -> out.add(f.toFloatArray()), null, Progress.of(Progress.NONE, notes::add));
        assertEquals(3, s.batch(), "the 7 frames left did not fit: 3");
        assertEquals(List.of("out of memory with 7 frames per step on cpu: going on with 3"), notes);
        for (int i = 0; i < clip.size(); i++) {
            assertTrue(Fixture.relativeError(out.get(i), expected.get(i)) <= 1e-5, "frame " + i);
        }
        // the same when the failing frame is encoded for the step looked ahead to
        failed.set(false);
        List<String> aheadNotes = new ArrayList<>();
        List<float[]> ahead = new ArrayList<>();
        new StreamingRestorer(model, Device.CPU, mean().withBatch(4), new StreamingRestorer.Schedule(false, true, null)).run(oomOnce,
                (i, f) -> ahead.add(f.toFloatArray()), null, Progress.of(Progress.NONE, aheadNotes::add));
        assertEquals(1, aheadNotes.size(), "looking ahead: " + aheadNotes);
        assertEquals(clip.size(), ahead.size());
        for (int i = 0; i < clip.size(); i++) {
            assertTrue(Fixture.relativeError(ahead.get(i), expected.get(i)) <= 1e-5, "looking ahead, frame " + i);
        }
        FrameSource never = FrameSource.of(2, 128, 128, i -> {
            throw new org.dicface.torch.TorchException("DefaultCPUAllocator: can't allocate memory: you tried to allocate 9 bytes");
        });
        org.dicface.torch.TorchException e = assertThrows(org.dicface.torch.TorchException.class, () ->
                new StreamingRestorer(model, Device.CPU, mean().withBatch(1)).run(never, (i, f) -> { }, null, Progress.NONE));
        assertTrue(e.getMessage().startsWith("out of memory restoring one frame at a time on cpu: close other programs"), e.getMessage());
        FrameSource broken = FrameSource.of(2, 128, 128, i -> {
            throw new org.dicface.torch.TorchException("shape mismatch");
        });
        assertEquals("shape mismatch", assertThrows(org.dicface.torch.TorchException.class, () ->
                new StreamingRestorer(model, Device.CPU, mean().withBatch(4)).run(broken, (i, f) -> { }, null, Progress.NONE))
                .getMessage(), "other errors are not retried");
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
