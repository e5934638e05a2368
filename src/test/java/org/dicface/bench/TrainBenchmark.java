package org.dicface.bench;

import org.dicface.io.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import org.dicface.model.Precision;
import org.dicface.torch.Torch;
import org.dicface.train.ClipData;
import org.dicface.train.CosineSchedule;
import org.dicface.train.Degradation;
import org.dicface.train.Trainer;

/**
 * The training benchmark of scripts/bench-train.sh: seconds per step of the official recipe (restore task,
 * degradations included) for a configuration and a number of 5-frame clips per step, and the peak resident
 * memory (on a GPU: also the peak of libtorch's CUDA allocator is what nvidia-smi shows; see scripts/gpu-check).
 * With torchrun's variables set (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) each process trains its
 * clips data-parallel (on CUDA: process r on cuda:LOCAL_RANK) and rank 0 reports the step time of the whole group.
 * Usage: TrainBenchmark [official|config.json] [clips per step] [steps] [cpu|cuda]
 */
public final class TrainBenchmark {
    private TrainBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        DicFaceConfig config = DicFaceConfig.resolve(args.length > 0 ? args[0] : "official");
        int clips = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        org.dicface.train.Distributed place = org.dicface.train.Distributed.fromEnvironment(System.getenv());
        org.dicface.torch.Device device = place.deviceFor(org.dicface.torch.Device.parse(args.length > 3 ? args[3] : "cpu"));
        Torch.init();
        int size = config.imgSize();
        ImageStack stack = new ImageStack(size, size);
        for (int t = 0; t < 8; t++) {
            ColorProcessor cp = new ColorProcessor(size, size);
            for (int i = 0; i < size * size; i++) {
                cp.set(i, (i * 31 + t * 7) & 0xffffff);
            }
            stack.addSlice(cp);
        }
        ClipData data = new ClipData(List.of(new ImagePlus("clip", stack)), size, config.frameLength());
        try (DicFace model = ModelLoader.place(new DicFace(config), device, Precision.FP32);
                DicFace ema = ModelLoader.place(new DicFace(config), device, Precision.FP32);
                Trainer trainer = new Trainer(model, ema, data, Task.RESTORE, CosineSchedule.official(100_000), clips, 1.0, 0);
                org.dicface.torch.ProcessGroup group = place.join(device)) {
            trainer.distributed(group);
            trainer.step(1);  // warm-up
            long t0 = System.nanoTime();
            Trainer.StepResult r = trainer.step(steps);
            double perStep = (System.nanoTime() - t0) / 1e9 / steps;
            long peak = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    peak = Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
            if (place.rank() != 0) {
                return;
            }
            System.out.printf("train %dx%d on %s, %d process(es) of %d clip(s) of %d frames per step: %.3f s/step, peak RSS %d MB,"
                    + " last loss %.4f%n", size, size, device, place.world(), clips, config.frameLength(), perStep, peak, r.loss());
            System.out.printf("RESULT size=%d device=%s processes=%d clips=%d s_per_step=%.3f clips_per_s=%.2f peak_rss_mb=%d%n", size,
                    device, place.world(), clips, perStep, place.world() * clips / perStep, peak);
        }
    }
}
