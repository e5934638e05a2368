package org.dicface.model;

import org.dicface.io.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.dicface.metrics.ImageMetrics;
import org.dicface.pipeline.CapturingSink;
import org.dicface.video.FrameSink;
import org.dicface.pipeline.Frames;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.dicface.train.Degradation;
import org.dicface.video.FrameSource;
import org.junit.jupiter.api.Test;

/**
 * The embedded demonstration weights (models/demo): small, loadable with their stored configuration, and
 * giving their recorded result on a face they were not trained on (the astronaut frames of the tiny fixture,
 * degraded at the clip's own size as these weights were trained, seed 1): they gain 0.42 dB over the degraded input, 0.55 dB with the colour
 * fix (each frame given the input's channel means).
 *
 * <p>These are regression pins, not an independent reference: recorded from this model and pipeline, they move
 * when either changes (a better model, another degradation), and are then recorded anew. Their tolerance,
 * 0.05 dB, holds on any x86-64 machine with the project's dependencies: the H.264 step runs the FFmpeg build
 * that JavaCV bundles (pinned in pom.xml, the same everywhere), and the CPU's kernels (ATen's default against
 * its AVX2 kernels, oneDNN limited to SSE4.1, 1 or 2 threads) moved every figure by at most 1e-4 dB.
 */
public class DemoWeightsTest extends ScopedTest {
    static final Path WEIGHTS = Path.of("models/demo/dicface-demo-restore.safetensors");
    /** The pins' tolerance (see above): 500 times what the CPU's kernels were seen to move them. */
    private static final double PIN_DB = 0.05;

    @Test
    void areSmallAndCarryTheirConfiguration() throws Exception {
        assertTrue(Files.size(WEIGHTS) < 20_000_000, "the demonstration weights must stay under 20 MB");
        DicFaceConfig stored = ModelLoader.config("auto", WEIGHTS);
        assertEquals(DicFaceConfig.read(Path.of("models/demo/config.json")).toJson(), stored.toJson());
    }

    @Test
    void giveTheirRecordedResultOnAHeldOutFace() throws Exception {
        Path io = Fixture.file("io.safetensors");
        try (DicFace model = ModelLoader.load(ModelLoader.config("auto", WEIGHTS), WEIGHTS, Device.CPU);
                org.dicface.io.SafeTensors st = org.dicface.io.SafeTensors.open(io);
                Generator random = new Generator(0)) {
            Tensor clean = st.load("input").add(1).div(2);  // [5, 3, 128, 128], astronaut.png, held out of training
            Tensor degraded = Degradation.apply(Task.RESTORE, clean, 1, 0);  // at the clip's own size, as these weights were trained
            Tensor restored = model.forward(degraded.mul(2).sub(1), new Sampling.Mean(), random, 1.0, Probe.NONE)
                    .out().clamp(-1, 1).add(1).div(2);
            assertEquals(18.429, meanPsnr(degraded, clean), PIN_DB, "degraded input, dB (regression pin)");
            assertEquals(18.851, meanPsnr(restored, clean), PIN_DB, "restored, dB (regression pin)");
            assertEquals(18.975, meanPsnr(colorFixed(restored, degraded), clean), PIN_DB, "restored with the colour fix, dB (regression pin)");
        }
    }

    /** The restore pipeline's colour fix on [t, 3, H, W] frames in [0, 1]. */
    private static Tensor colorFixed(Tensor restored, Tensor input) {
        long[] shape = input.shape();
        FrameSource source = FrameSource.of((int) shape[0], (int) shape[3], (int) shape[2],
                i -> input.narrow(0, i, 1).reshape(shape[1], shape[2], shape[3]));
        CapturingSink captured = new CapturingSink();
        FrameSink sink = Frames.keepingColorMeans(captured, source);
        java.util.List<Tensor> out = new java.util.ArrayList<>();
        for (int i = 0; i < restored.size(0); i++) {
            sink.accept(i, restored.narrow(0, i, 1).reshape(input.shape()[1], input.shape()[2], input.shape()[3]));
            out.add(captured.frame(i).unsqueeze(0));
        }
        return Tensor.cat(out, 0).clamp(0, 1);
    }

    /** Mean PSNR over frames [t, 3, H, W] in [0, 1] (8-bit rounded, RGB, crop 4, as the evaluation). */
    static double meanPsnr(Tensor frames, Tensor truth) {
        double sum = 0;
        for (int i = 0; i < frames.size(0); i++) {
            Tensor a = ImageMetrics.prepare(frames.narrow(0, i, 1).reshape(truth.shape()[1], truth.shape()[2], truth.shape()[3]).mul(255).round(), ImageMetrics.Channels.RGB, 4);
            Tensor b = ImageMetrics.prepare(truth.narrow(0, i, 1).reshape(truth.shape()[1], truth.shape()[2], truth.shape()[3]).mul(255).round(), ImageMetrics.Channels.RGB, 4);
            sum += ImageMetrics.psnr(a, b);
        }
        return sum / frames.size(0);
    }
}
