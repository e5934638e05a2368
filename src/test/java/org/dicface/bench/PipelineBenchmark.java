package org.dicface.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.Precision;
import org.dicface.model.Probe;
import org.dicface.model.Sampling;
import org.dicface.video.FrameSource;
import org.dicface.pipeline.Progress;
import org.dicface.pipeline.Settings;
import org.dicface.pipeline.StreamingRestorer;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;

/**
 * The pipeline benchmark of scripts/bench-pipeline.sh.
 * <ul>
 * <li>{@code speed [config] [frames]}: seconds per output frame of the streaming scheme against the official
 * script's scheme (the whole network on max_length frames per output frame, one kept), max_length 10 and 5,
 * both through this model;</li>
 * <li>{@code memory [config] [frames]}: restores a generated clip of that many frames, discarding the
 * output, and prints the peak resident memory;</li>
 * <li>{@code fps [config] [frames] [device] [fp32|tf32|fp16|bf16] [sampling] [batch]} (precision and batch may be
 * comma-separated lists: every pair runs, one RESULT line each, with one model made): frames per second of the whole
 * streaming restorer on that device and precision with that batch (auto: as a run chooses it), frames going in from
 * and out to Java's heap as in a real run (after a warm-up of one batch), and on CUDA the peak memory libtorch's
 * allocator held (allocated and reserved).</li>
 * <li>{@code video [config] [frames] [device] [precision] [sampling] [batch]}: the same from an H.264 file to an H.264
 * file, as {@code dicface restore} runs a video (decoding ahead on its own thread, encoding on another): frames per
 * second from opening the input to the committed output, after a warm-up on a short clip; the input is a synthetic
 * {@code img_size} video made first (not timed).</li>
 * </ul>
 * Weights are random: time and memory do not depend on them.
 */
public final class PipelineBenchmark {
    private PipelineBenchmark() {
    }

    /** Generated frames, made on demand so the source itself holds no memory. */
    static FrameSource generated(int frames, int size) {
        return FrameSource.of(frames, size, size, i -> Tensor.uniform(-1, 1, new Generator(i), 3, size, size));
    }

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "speed";
        DicFaceConfig config = DicFaceConfig.resolve(args.length > 1 ? args[1] : "official");
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        Torch.init();
        int size = config.imgSize();
        Settings settings = new Settings(new Sampling.Sample(), 0, 1.0, Settings.Uncertainty.NONE);
        try (DicFace model = new DicFace(config)) {
            model.eval();
            if (mode.equals("fps") || mode.equals("video")) {
                Device device = Device.parse(args.length > 3 ? args[3] : "cpu");
                Sampling sampling = Sampling.parse(args.length > 5 ? args[5] : "sample");
                String[] batches = (args.length > 6 ? args[6] : "auto").split(",");
                // the videos are made once, for every pair (not timed)
                Clips clips = mode.equals("video") ? Clips.make(config, frames, batches) : null;
                try {
                    // lists (fp16,bf16 and 1,8,auto) run every pair in this JVM: the random model is made once
                    for (String p : (args.length > 4 ? args[4] : "fp32").split(",")) {
                        Precision precision = Precision.parse(p);
                        try (DicFace placed = org.dicface.model.ModelLoader.place(org.dicface.model.ModelLoader.copy(model), device, precision)) {
                            for (String b : batches) {
                                int batch = org.dicface.pipeline.Batching.choose(org.dicface.pipeline.Batching.parse(b), placed, device);
                                Settings chosen = new Settings(sampling, 0, 1.0, Settings.Uncertainty.NONE).withBatch(batch);
                                if (mode.equals("video")) {
                                    videoToVideo(placed, device, precision, chosen, clips);
                                } else {
                                    heapToHeap(placed, device, precision, chosen, frames);
                                }
                            }
                        }
                        Torch.emptyCudaCache();
                    }
                } finally {
                    if (clips != null) {
                        org.dicface.io.AtomicFile.deleteRecursively(clips.dir());
                    }
                }
                return;
            }
            if (mode.equals("memory")) {
                StreamingRestorer.Summary s = new StreamingRestorer(model, Device.CPU, settings)
                        .run(generated(frames, size), (i, f) -> { }, null, Progress.NONE);
                System.out.printf("memory frames %d peak_rss_mb %d seconds_per_frame %.3f%n", s.frames(), peakRssKb() / 1024,
                        s.secondsPerFrame());
                return;
            }
            new StreamingRestorer(model, Device.CPU, settings).run(generated(1, size), (i, f) -> { }, null, Progress.NONE);  // warm-up
            StreamingRestorer.Summary streaming = new StreamingRestorer(model, Device.CPU, settings)
                    .run(generated(frames, size), (i, f) -> { }, null, Progress.NONE);
            double official10 = officialScheme(model, 10, size, settings);
            double official5 = officialScheme(model, 5, size, settings);
            double ours = streaming.secondsPerFrame();
            System.out.printf("streaming (%d frames): %.3f s per output frame%n", frames, ours);
            System.out.printf("official scheme, max_length 10: %.3f s per output frame (%.1fx)%n", official10, official10 / ours);
            System.out.printf("official scheme, max_length 5:  %.3f s per output frame (%.1fx)%n", official5, official5 / ours);
            System.out.printf("RESULT streaming_s=%.3f official10_s=%.3f official5_s=%.3f speedup10=%.2f speedup5=%.2f%n",
                    ours, official10, official5, official10 / ours, official5 / ours);
        }
    }

    /** The {@code fps} mode for one precision and batch: frames from and to the Java heap. */
    private static void heapToHeap(DicFace model, Device device, Precision precision, Settings settings, int frames) {
        int size = model.config().imgSize();
        StreamingRestorer restorer = new StreamingRestorer(model, device, settings);
        restorer.run(generated(Math.max(model.config().frameLength(), settings.batch()), size), (i, f) -> { }, null, Progress.NONE);  // warm-up
        if (device.type() == Device.Type.CUDA) {
            Torch.resetPeakCudaMemory(device.index());
        }
        Progress notes = Progress.of(Progress.NONE, note -> System.out.println("note: " + note));
        StreamingRestorer.Summary s = restorer.run(generated(frames, size), (i, f) -> { }, null, notes);  // frames reach the sink on the CPU: each one waits for the GPU
        String memory = peakMemory(device) + switches();
        System.out.printf("%dx%d, %s, %s, sampling %s, batch %d, %d frames: %.4f s per frame, %.2f frames/s%s%n", size, size,
                device, precision, settings.sampling().name(), s.batch(), s.frames(), s.secondsPerFrame(), 1 / s.secondsPerFrame(), memory);
        System.out.printf("RESULT device=%s precision=%s sampling=%s size=%d batch=%d frames=%d seconds_per_frame=%.4f fps=%.2f%s%n",
                device, precision, settings.sampling().name(), size, s.batch(), s.frames(), s.secondsPerFrame(),
                1 / s.secondsPerFrame(), memory);
    }

    /** The speed switches that are not at their defaults, as RESULT fields. */
    private static String switches() {
        return (org.dicface.torch.CudaGraph.requested() ? " cuda_graphs=on" : "")
                + (Torch.pinnedCopies() ? "" : " pinned_copies=off")
                + (Torch.channelsLast() ? " channels_last=on" : "")
                + (Boolean.getBoolean("dicface.cudnnBenchmark") ? " cudnn_benchmark=on" : "");
    }

    /** Libtorch's peak CUDA memory as RESULT fields, or nothing on the CPU. */
    private static String peakMemory(Device device) {
        if (device.type() != Device.Type.CUDA) {
            return "";
        }
        Torch.CudaMemory m = Torch.cudaMemory(device.index());
        return String.format(" peak_allocated_mb=%d peak_reserved_mb=%d", m.peakAllocated() >> 20, m.peakReserved() >> 20);
    }

    /**
     * The {@code video} mode's inputs, in a temporary folder: a warm-up video as long as the largest batch asked for
     * (at least a window, and the most {@code auto} chooses), and the timed one.
     */
    private record Clips(Path dir, Path warm, Path input) {
        static Clips make(DicFaceConfig config, int frames, String[] batches) throws IOException {
            int longest = Math.max(config.frameLength(), org.dicface.pipeline.Batching.MAX_AUTO_GPU);
            for (String b : batches) {
                longest = Math.max(longest, org.dicface.pipeline.Batching.parse(b));  // auto parses as 0
            }
            Path dir = Files.createTempDirectory("dicface-video-bench");
            Clips clips = new Clips(dir, dir.resolve("warm.mp4"), dir.resolve("clip.mp4"));
            MakeClip.write(clips.warm(), longest, config.imgSize());
            MakeClip.write(clips.input(), frames, config.imgSize());
            return clips;
        }
    }

    /** The {@code video} mode: H.264 in, H.264 out, through the batch's own path ({@link Batch#restore}). */
    private static void videoToVideo(DicFace model, Device device, Precision precision, Settings settings, Clips clips)
            throws IOException {
        int size = model.config().imgSize();
        fileToFile(model, device, settings, clips.warm(), clips.dir());
        if (device.type() == Device.Type.CUDA) {
            Torch.resetPeakCudaMemory(device.index());
        }
        long t0 = System.nanoTime();
        StreamingRestorer.Summary s = fileToFile(model, device, settings, clips.input(), clips.dir());
        double seconds = (System.nanoTime() - t0) / 1e9;
        String memory = peakMemory(device);
        System.out.printf("H.264 %dx%d to H.264, %s, %s, sampling %s, batch %d, %d frames: %.2f s, %.2f frames/s (restorer alone %.2f)%s%n",
                size, size, device, precision, settings.sampling().name(), s.batch(), s.frames(), seconds, s.frames() / seconds,
                1 / s.secondsPerFrame(), memory);
        System.out.printf("RESULT mode=video device=%s precision=%s sampling=%s size=%d batch=%d frames=%d seconds=%.3f fps=%.2f%s%n",
                device, precision, settings.sampling().name(), size, s.batch(), s.frames(), seconds, s.frames() / seconds, memory);
    }

    private static StreamingRestorer.Summary fileToFile(DicFace model, Device device, Settings settings, Path input, Path dir)
            throws IOException {
        ij.ImagePlus clip = org.dicface.video.ClipFiles.open(input, true);
        try {
            org.dicface.pipeline.Outputs o = org.dicface.pipeline.Outputs.of(input, dir.resolve("out"), org.dicface.io.Task.RESTORE,
                    false, settings.frames());
            Files.createDirectories(o.clip().getParent());
            Files.deleteIfExists(o.clip());
            return org.dicface.pipeline.Batch.restore(model, device, settings, clip,
                    org.dicface.pipeline.ClipRestoration.Job.restore(), o, Progress.NONE);
        } finally {
            org.dicface.video.VideoFiles.release(clip);
        }
    }

    /** One output frame of the official script: the network on max_length frames, one frame kept. */
    private static double officialScheme(DicFace model, int maxLength, int size, Settings settings) {
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.INFERENCE.enter(); Generator random = new Generator(1)) {
            List<Tensor> window = new ArrayList<>();
            FrameSource src = generated(maxLength, size);
            for (int i = 0; i < maxLength; i++) {
                window.add(src.frame(i).unsqueeze(0));
            }
            Tensor clip = Tensor.cat(window, 0);
            long t0 = System.nanoTime();
            model.forward(clip, settings.sampling(), random, 1.0, Probe.NONE).out().narrow(0, maxLength / 2, 1).sum().item();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }
}
