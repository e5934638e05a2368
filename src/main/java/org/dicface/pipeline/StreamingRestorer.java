package org.dicface.pipeline;

import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.dicface.model.CodebookUsage;
import org.dicface.model.DicFace;
import org.dicface.model.DirichletHead;
import org.dicface.model.Sampling;
import org.dicface.torch.CudaGraph;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.StepGraph;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;
import org.dicface.torch.TorchException;

/**
 * Restores a clip frame by frame with the streaming scheme (docs/ARCHITECTURE.md, decision 7): output frame i comes
 * from the frame_length-frame group centred on i (indices clamped to the clip, so clips of any length from
 * one frame work); each frame is encoded once and cached; the transformer runs on the group, and the
 * Dirichlet head, the sampling, the latent and the generator run for frame i only. Frames are restored a batch at a
 * time: the new frames encoded as one batch, the batch's windows through the transformer, then the head and the
 * generator on the batch's frames. On the CPU a frame is bit for bit what it is alone; on a GPU, within rounding
 * (see the constructor). Memory does not grow with the clip: at most one
 * batch and its windows' extra frames are held.
 */
public final class StreamingRestorer {
    private final DicFace model;
    private final Device device;
    private final Settings settings;
    private final Schedule schedule;
    private StepGraphs graphs;  // shared by the open streams (the faces of a video advance together); null: none open
    private int openStreams;

    /** What a run produced besides the frames; {@code mostCachedFrames}: encoded frames held at once, at most. */
    /** {@code batch}: the output frames restored per step at the end (fewer than asked if memory ran out). */
    public record Summary(int frames, int encoderPasses, int mostCachedFrames, double secondsPerFrame, CodebookUsage codebookUsage,
            int batch) {
    }

    public StreamingRestorer(DicFace model, Device device, Settings settings) {
        this(model, device, settings, Schedule.of(device));
    }

    /**
     * How a step's work is laid out: the device's way by default ({@link #of}); the tests force the others on the CPU.
     *
     * <p>{@code together}: the token part of a step (transformer, Dirichlet head, latent) in one call for the whole batch,
     * or one call per frame. The token part's matrix products give rows whose last bits depend on how many rows share
     * the call, so one call per frame keeps a frame bit for bit what it is in any batch (the encoder and generator
     * are so anyway, see the C API's convolution); it is the CPU's way, where the token part is a small share of the
     * work. A GPU's kernels, chosen by shape, differ in the last bits anyway, and there one call is what pays.
     *
     * <p>{@code lookAhead}: queue the next step's token part before this step's Dirichlet draws, so that a GPU computes
     * it while the CPU draws (the draws are on the CPU, see Sampling), with the next step's concentrations copied to
     * the CPU after this step's frames, when the device has nothing queued and the copy waits for nothing else. It
     * holds one step's windows more in the encoder cache and changes no value (each frame keeps its window and its
     * seed); on the CPU, where the draws and the network share the cores, there is nothing to overlap.
     *
     * <p>{@code graphs}: where not null, the together token part and generator run as graphs, one per shape
     * ({@link StepGraphs}); on CUDA with {@code -Ddicface.cudaGraphs=true} (off by default).
     */
    record Schedule(boolean together, boolean lookAhead, Supplier<StepGraph> graphs) {
        Schedule {
            if (graphs != null && !together) {
                throw new IllegalArgumentException("a graph records a step of the whole batch: graphs need together");
            }
        }

        static Schedule of(Device device) {
            boolean gpu = device.type() == Device.Type.CUDA;
            boolean graphs = gpu && CudaGraph.requested() && CudaGraph.available();
            return new Schedule(gpu, gpu, graphs ? () -> new CudaGraph(device) : null);
        }
    }

    StreamingRestorer(DicFace model, Device device, Settings settings, Schedule schedule) {
        this.model = model;
        this.device = device;
        this.settings = settings;
        this.schedule = schedule;
    }

    /**
     * Runs the clip through the network: the settings' output frames ({@link Settings#frames}), each handed to the sink
     * with its index in the clip. Frames must be model-sized ({@code img_size} square); task preparation (resizing,
     * cropping, painting, graying) is the job of the source. {@code uncertainty}, if not null, receives a [1, H, W] map
     * per frame when the settings ask for one.
     */
    public Summary run(FrameSource source, FrameSink sink, FrameSink uncertainty, Progress progress) {
        FrameRange range = settings.frames().in(source.frameCount());
        try (Stream stream = open(source, range, uncertainty != null, progress)) {
            for (int i = range.from(); i < range.to(); i++) {
                try (Scope scope = Scope.open()) {
                    Output out = stream.next();
                    sink.accept(i, out.frame());
                    if (out.uncertainty() != null) {
                        uncertainty.accept(i, out.uncertainty());
                    }
                }
                int done = i + 1 - range.from();
                if (!progress.frameDone(done, range.length())) {
                    throw new CancelledException(done, range.length());
                }
            }
            return stream.summary();
        }
    }

    /** One restored frame, [3, H, W] on the CPU, and its uncertainty map [1, H, W] (null when not asked for). */
    public record Output(Tensor frame, Tensor uncertainty) {
    }

    /**
     * Starts restoring the output frames {@code range} of {@code source} (a concrete range, see {@link FrameRange#in})
     * one at a time, so that several clips (the faces of a video, each its own track) can advance together, frame by
     * frame, in one pass over the video. Close it to free its cache.
     */
    public Stream open(FrameSource source, FrameRange range, boolean withUncertainty, Progress progress) {
        int size = model.config().imgSize();
        if (source.width() != size || source.height() != size) {
            throw new IllegalArgumentException("the model takes " + size + "x" + size + " frames, the source gives "
                    + source.width() + "x" + source.height());
        }
        if (source.frameCount() < 1) {
            throw new IllegalArgumentException("the clip has no frames");
        }
        if (range.all() || range.to() > source.frameCount()) {
            throw new IllegalArgumentException("frames " + range + " of a " + source.frameCount() + "-frame clip");
        }
        return new Stream(source, range, withUncertainty && settings.uncertainty() != Settings.Uncertainty.NONE, progress);
    }

    /**
     * See {@link #open}: {@link #next} gives the range's output frames in order; the results belong to the caller's scope.
     * The frames are restored {@code batch} at a time (each exactly as it would be alone: its own window, its own
     * seed) and handed out one by one.
     */
    public final class Stream implements AutoCloseable {
        private final FrameSource source;
        private final FrameRange range;
        private final boolean withUncertainty;
        private final EncoderCache cache;
        private final java.util.ArrayDeque<Output> ready = new java.util.ArrayDeque<>();
        private final long start = System.nanoTime();
        private final Progress progress;
        private int batch;
        private int restored;
        private Tokens next;  // with look-ahead: the next step's token part, already queued
        private int handedOut;
        private Tensor usage;
        private boolean closed;

        private Stream(FrameSource source, FrameRange range, boolean withUncertainty, Progress progress) {
            this.source = source;
            this.range = range;
            this.restored = range.from();
            this.withUncertainty = withUncertainty;
            this.progress = progress;
            this.cache = new EncoderCache(model, source, device, this::run);
            this.batch = Batching.choose(settings.batch(), model, device);
            if (openStreams++ == 0 && schedule.graphs() != null) {
                graphs = new StepGraphs(schedule.graphs());
            }
        }

        /** Whether output frames remain. */
        public boolean hasNext() {
            return handedOut < range.length();
        }

        /** The next output frame (and its map), made in the caller's scope. */
        public Output next() {
            if (!hasNext()) {
                throw new IllegalStateException("all " + range.length() + " frames are restored");
            }
            if (ready.isEmpty()) {
                restoreBatch();
            }
            Output out = ready.poll();
            handedOut++;
            Scope.adopt(out.frame());
            if (out.uncertainty() != null) {
                Scope.adopt(out.uncertainty());
            }
            return out;
        }

        /** Restores the next frames, {@code batch} of them (fewer at the clip's end), halving the batch when memory runs out. */
        private void restoreBatch() {
            while (true) {
                int b = Math.min(batch, range.to() - restored);
                try {
                    Tokens now = next != null ? next : tokens(restored, b);
                    next = null;
                    try {
                        int after = restored + now.count();
                        if (schedule.lookAhead() && after < range.to()) {
                            next = tokens(after, Math.min(batch, range.to() - after));  // queued before this step's draws
                        }
                        finish(now);
                    } finally {
                        now.close();
                    }
                    restored += now.count();
                    cache.dropBefore(restored - model.config().frameLength() / 2);
                    if (next != null) {
                        next.toHostForDraws();  // nothing is queued now: the copy waits for nothing else
                    }
                    return;
                } catch (TorchException e) {
                    if (next != null) {
                        next.close();
                        next = null;
                    }
                    if (!Batching.isOutOfMemory(e)) {
                        throw e;
                    }
                    if (b == 1) {
                        throw new TorchException("out of " + Batching.memoryOf(device) + " restoring one frame at a time on " + device
                                + ": " + Batching.outOfMemoryAdvice(device)
                                + " (libtorch: " + e.getMessage().lines().findFirst().orElse("") + ")");
                    }
                    batch = b / 2;
                    if (graphs != null) {
                        graphs.clear();  // the larger batch's graphs hold memory
                    }
                    Torch.emptyCudaCache();
                    progress.note("out of " + Batching.memoryOf(device) + " with " + b
                            + " frames per step on " + device + ": going on with " + batch);
                }
            }
        }

        /**
         * The token part of output frames {@code first} ... {@code first + b - 1}: their windows encoded (into the cache),
         * through the transformer and the Dirichlet head; the concentrations stay on the device (owned by no scope).
         */
        private Tokens tokens(int first, int b) {
            int total = source.frameCount();
            int t = model.config().frameLength();
            int half = t / 2;
            return Scope.unowned(() -> {
                try (GradMode.Guard g = GradMode.INFERENCE.enter(); Scope scope = Scope.open()) {
                    cache.encode(Math.max(0, first - half), Math.min(total, first + b + half));
                    List<Tensor> windows = new ArrayList<>(b * t);
                    for (int j = 0; j < b; j++) {
                        int i = first + j;
                        for (int k = i - half; k < i - half + t; k++) {
                            windows.add(cache.get(Math.clamp(k, 0, total - 1)).lqFeat());
                        }
                    }
                    // the token part: one call for the batch (a GPU), or one per frame (the CPU; see the constructor)
                    List<Tensor> alphas = new ArrayList<>(b);
                    if (schedule.together()) {
                        Tensor frames = Tensor.cat(windows, 0);
                        Function<List<Tensor>, List<Tensor>> part =
                                in -> List.of(DirichletHead.alpha(model.logits(middleTokens(in.get(0), b))));
                        alphas.addAll(run("tokens", List.of(frames), part).get(0).chunk(b, 0));
                    } else {
                        for (int j = 0; j < b; j++) {
                            alphas.add(DirichletHead.alpha(model.logits(
                                    middleTokens(Tensor.cat(windows.subList(j * t, (j + 1) * t), 0), 1))));
                        }
                    }
                    alphas.forEach(scope::keep);
                    return new Tokens(first, alphas);
                }
            });
        }

        /** The rest of a step: the weights (drawn or not), the latents, the generator; the frames into {@link #ready}. */
        private void finish(Tokens tokens) {
            int first = tokens.first();
            int b = tokens.count();
            Scope.unowned(() -> {
                try (GradMode.Guard g = GradMode.INFERENCE.enter(); Scope scope = Scope.open()) {
                    List<Tensor> alphas = tokens.alphas();
                    // every draw first, then the copies to the device: a copy waits for what the device has queued
                    // (the next step's token part, looking ahead), so a draw after one would no longer overlap it
                    List<Tensor> drawn = new ArrayList<>(b);
                    for (int j = 0; j < b; j++) {
                        try (Generator random = new Generator(settings.frameSeed(first + j))) {
                            drawn.add(settings.sampling().weights(tokens.forDraws(j), random));
                        }
                    }
                    List<Tensor> ws = new ArrayList<>(b);
                    List<Tensor> latents = new ArrayList<>(b);
                    for (int j = 0; j < b; j++) {
                        ws.add(drawn.get(j).to(device));
                        if (!schedule.together()) {
                            latents.add(model.latent(ws.get(j)));
                        }
                    }
                    Tensor w = Tensor.cat(ws, 0);
                    // the generator's inputs: the weights, then the batch's skips in the configuration's order of resolutions
                    List<Tensor> inputs = new ArrayList<>(List.of(w));
                    for (int r : model.config().connectList()) {
                        List<Tensor> perFrame = new ArrayList<>(b);
                        for (int j = 0; j < b; j++) {
                            perFrame.add(cache.get(first + j).skips().get(r));
                        }
                        inputs.add(Tensor.cat(perFrame, 0));
                    }
                    Tensor decoded = schedule.together()
                            ? run("generator", inputs, in -> List.of(decode(model.latent(in.get(0)), in.subList(1, in.size())))).get(0)
                            : decode(Tensor.cat(latents, 0), inputs.subList(1, inputs.size()));
                    Tensor out = decoded.to(Device.CPU, DType.FLOAT32);
                    int size = model.config().imgSize();
                    List<Output> made = new ArrayList<>(b);
                    for (int j = 0; j < b; j++) {
                        made.add(new Output(out.narrow(0, j, 1).reshape(3, size, size), withUncertainty
                                ? uncertaintyMap(alphas.get(j), ws.get(j), size).to(Device.CPU, DType.FLOAT32) : null));
                    }
                    // summed where w is (the GPU, say) and copied to the CPU once, at the end
                    Tensor batchUsage = w.to(DType.FLOAT64).sum(new long[] {0, 1}, false);
                    Tensor sum = usage == null ? batchUsage.copy() : usage.add(batchUsage);
                    // nothing below fails: the results leave the scope only now, so a failed step leaves no trace
                    if (usage != null) {
                        usage.close();
                    }
                    usage = scope.keep(sum);
                    for (Output o : made) {
                        scope.keep(o.frame());
                        if (o.uncertainty() != null) {
                            scope.keep(o.uncertainty());
                        }
                        ready.add(o);
                    }
                }
                return null;
            });
        }

        /** The generator on a batch's latent and skips (in the configuration's order of resolutions). */
        private Tensor decode(Tensor latent, List<Tensor> skips) {
            Map<Integer, Tensor> byResolution = new LinkedHashMap<>();
            List<Integer> resolutions = model.config().connectList();
            for (int k = 0; k < resolutions.size(); k++) {
                byResolution.put(resolutions.get(k), skips.get(k));
            }
            return model.decode(latent, byResolution, settings.fidelity());
        }

        /** A step of fixed shapes: from a graph when graphs are on, else call by call (the same values). */
        private List<Tensor> run(String name, List<Tensor> inputs, Function<List<Tensor>, List<Tensor>> step) {
            return graphs != null ? graphs.apply(name, inputs, step, progress::note) : step.apply(inputs);
        }

        /** The transformer's output tokens [h*w, count, E] at the middle frames of {@code count} windows [count*t, ...]. */
        private Tensor middleTokens(Tensor windows, int count) {
            int t = model.config().frameLength();
            Tensor tokens = model.transformer(windows, org.dicface.model.Probe.NONE);
            List<Tensor> middles = new ArrayList<>(count);
            for (int j = 0; j < count; j++) {
                middles.add(tokens.narrow(1, (long) j * t + t / 2, 1));
            }
            return count == 1 ? middles.get(0) : Tensor.cat(middles, 1);
        }

        /** What the frames restored so far came to. */
        public Summary summary() {
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Summary(handedOut, cache.encodedFrames(), cache.mostHeld(), handedOut == 0 ? 0 : seconds / handedOut,
                    CodebookUsage.of(usage), batch);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.close();
                next = null;
            }
            if (--openStreams == 0 && graphs != null) {
                graphs.close();
                graphs = null;
            }
            cache.close();
            ready.forEach(o -> {
                o.frame().close();
                if (o.uncertainty() != null) {
                    o.uncertainty().close();
                }
            });
            ready.clear();
            if (usage != null) {
                usage.close();
                usage = null;
            }
        }
    }

    /**
     * A step's token part: the concentrations of output frames {@code first} on, one per frame, on the device; with the
     * copies on the CPU that a drawing mode reads ({@link #toHostForDraws}), when made. Owns its tensors.
     */
    private final class Tokens implements AutoCloseable {
        private final int first;
        private final List<Tensor> alphas;
        private List<Tensor> onHost;

        Tokens(int first, List<Tensor> alphas) {
            this.first = first;
            this.alphas = alphas;
        }

        int first() {
            return first;
        }

        int count() {
            return alphas.size();
        }

        List<Tensor> alphas() {
            return alphas;
        }

        /** Copies the concentrations to the CPU now if the sampling draws there (on the CPU: nothing to copy). */
        void toHostForDraws() {
            if (onHost == null && settings.sampling().draws() && device.type() != Device.Type.CPU) {
                onHost = Scope.unowned(() -> alphas.stream().map(a -> a.to(Device.CPU)).toList());
            }
        }

        /** Frame j's concentrations where its draws read them. */
        Tensor forDraws(int j) {
            return onHost != null ? onHost.get(j) : alphas.get(j);
        }

        @Override
        public void close() {
            alphas.forEach(Tensor::close);
            if (onHost != null) {
                onHost.forEach(Tensor::close);
            }
        }
    }

    /** Per-cell concentration or entropy, upsampled (nearest) to the frame: [1, size, size]. */
    private Tensor uncertaintyMap(Tensor alpha, Tensor w, int size) {
        Tensor cells = settings.uncertainty() == Settings.Uncertainty.CONCENTRATION ? Sampling.concentration(alpha)
                : Sampling.entropy(w);
        int side = model.config().latentSize();
        return cells.reshape(1, 1, side, side).upsampleNearest(size, size).reshape(1, size, size);
    }
}
