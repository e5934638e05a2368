package org.dicface.pipeline;

import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;
import java.util.ArrayList;
import java.util.List;

import org.dicface.model.CodebookUsage;
import org.dicface.model.DicFace;
import org.dicface.model.DirichletHead;
import org.dicface.model.Sampling;
import org.dicface.torch.DType;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Restores a clip frame by frame with the streaming scheme (docs/ARCHITECTURE.md, decision 7): output frame i comes
 * from the frame_length-frame group centred on i (indices clamped to the clip, so clips of any length from
 * one frame work); each frame is encoded once and cached; the transformer runs on the group, and the
 * Dirichlet head, the sampling, the latent and the generator run for frame i only. Memory does not grow
 * with the clip: at most one group of encoded frames is held.
 */
public final class StreamingRestorer {
    private final DicFace model;
    private final Device device;
    private final Settings settings;

    /** What a run produced besides the frames; {@code mostCachedFrames}: encoded frames held at once, at most. */
    public record Summary(int frames, int encoderPasses, int mostCachedFrames, double secondsPerFrame, CodebookUsage codebookUsage) {
    }

    public StreamingRestorer(DicFace model, Device device, Settings settings) {
        this.model = model;
        this.device = device;
        this.settings = settings;
    }

    /**
     * Runs the clip through the network. Frames must be model-sized ({@code img_size} square); task
     * preparation (resizing, cropping, painting, graying) is the job of the source. {@code uncertainty},
     * if not null, receives a [1, H, W] map per frame when the settings ask for one.
     */
    public Summary run(FrameSource source, FrameSink sink, FrameSink uncertainty, Progress progress) {
        try (Stream stream = open(source, uncertainty != null)) {
            int total = source.frameCount();
            for (int i = 0; i < total; i++) {
                try (Scope scope = Scope.open()) {
                    Output out = stream.next();
                    sink.accept(i, out.frame());
                    if (out.uncertainty() != null) {
                        uncertainty.accept(i, out.uncertainty());
                    }
                }
                if (!progress.frameDone(i + 1, total)) {
                    throw new CancelledException(i + 1, total);
                }
            }
            return stream.summary();
        }
    }

    /** One restored frame, [3, H, W] on the CPU, and its uncertainty map [1, H, W] (null when not asked for). */
    public record Output(Tensor frame, Tensor uncertainty) {
    }

    /**
     * Starts restoring {@code source} one output frame at a time, so that several clips (the faces of a video, each
     * its own track) can advance together, frame by frame, in one pass over the video. Close it to free its cache.
     */
    public Stream open(FrameSource source, boolean withUncertainty) {
        int size = model.config().imgSize();
        if (source.width() != size || source.height() != size) {
            throw new IllegalArgumentException("the model takes " + size + "x" + size + " frames, the source gives "
                    + source.width() + "x" + source.height());
        }
        if (source.frameCount() < 1) {
            throw new IllegalArgumentException("the clip has no frames");
        }
        return new Stream(source, withUncertainty && settings.uncertainty() != Settings.Uncertainty.NONE);
    }

    /** See {@link #open}: {@link #next} gives output frames 0, 1, ... in order; the results belong to the caller's scope. */
    public final class Stream implements AutoCloseable {
        private final FrameSource source;
        private final boolean withUncertainty;
        private final EncoderCache cache;
        private final long start = System.nanoTime();
        private int next;
        private Tensor usage;

        private Stream(FrameSource source, boolean withUncertainty) {
            this.source = source;
            this.withUncertainty = withUncertainty;
            this.cache = new EncoderCache(model, source, device);
        }

        /** Whether output frames remain. */
        public boolean hasNext() {
            return next < source.frameCount();
        }

        /** The next output frame (and its map), made in the caller's scope. */
        public Output next() {
            if (!hasNext()) {
                throw new IllegalStateException("all " + source.frameCount() + " frames are restored");
            }
            int i = next;
            int total = source.frameCount();
            int t = model.config().frameLength();
            int half = t / 2;
            Output result;
            try (GradMode.Guard g = GradMode.INFERENCE.enter(); Scope scope = Scope.open();
                 Generator random = new Generator(settings.frameSeed(i))) {
                List<Tensor> window = new ArrayList<>(t);
                for (int k = i - half; k < i - half + t; k++) {
                    window.add(cache.get(Math.clamp(k, 0, total - 1)).lqFeat());
                }
                Tensor tokens = model.transformer(Tensor.cat(window, 0), org.dicface.model.Probe.NONE);
                Tensor alpha = DirichletHead.alpha(model.logits(tokens.narrow(1, half, 1)));
                Tensor w = settings.sampling().weights(alpha, random);
                Tensor out = model.decode(model.latent(w), cache.get(i).skips(), settings.fidelity());
                Tensor frame = scope.keep(out.reshape(out.shape()[1], out.shape()[2], out.shape()[3]).to(Device.CPU, DType.FLOAT32));
                Tensor map = withUncertainty
                        ? scope.keep(uncertaintyMap(alpha, w, model.config().imgSize()).to(Device.CPU, DType.FLOAT32)) : null;
                result = new Output(frame, map);
                // summed where w is (the GPU, say) and copied to the CPU once, at the end
                Tensor frameUsage = w.sum(new long[] {0, 1}, false).to(DType.FLOAT64);
                Tensor sum = usage;
                usage = Scope.unowned(() -> sum == null ? frameUsage.copy() : sum.add(frameUsage));
                if (sum != null) {
                    sum.close();
                }
            }
            next++;
            cache.dropBefore(next - half);
            return result;
        }

        /** What the frames restored so far came to. */
        public Summary summary() {
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Summary(next, cache.encodedFrames(), cache.mostHeld(), next == 0 ? 0 : seconds / next,
                    CodebookUsage.of(usage));
        }

        @Override
        public void close() {
            cache.close();
            if (usage != null) {
                usage.close();
                usage = null;
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
