package org.dicface.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import ij.ImagePlus;
import org.dicface.metrics.Lpips;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import org.dicface.nn.Init;
import org.dicface.video.ClipFiles;
import org.dicface.model.Precision;
import org.dicface.torch.DType;
import org.dicface.torch.Device;

/**
 * A whole training run as the front-ends (CLI, Fiji) describe it: the clips, the task, the model (from
 * scratch or from weights), the schedule, and where checkpoints go; {@link #run} builds everything, resumes
 * if asked, and trains, writing checkpoint.safetensors in the folder. {@code skipGradients}: see
 * {@link DicFace#skipGradients} (off in the official recipe; on when training from scratch). {@code klWeight}:
 * null for the official weight of the task. {@code device}: where the network trains (clips, windows and
 * degradations stay on the CPU).
 */
public record TrainingJob(List<Path> clips, Degradation.Task task, DicFaceConfig config, Path init, long steps, double lr,
        double lrMin, int clipsPerStep, Unfreezing unfreezing, Path lpipsVgg, Path lpipsHeads, long seed, Path checkpoints,
        long saveEvery, boolean resume, boolean skipGradients, Double klWeight, ColorJitter colorJitter, Device device) {

    /** A model initialised from scratch (on the CPU, where the seeded initialisation draws), moved to the device in fp32. */
    private DicFace fresh() {
        return ModelLoader.place(new DicFace(config), device, Precision.FP32);
    }

    public Path checkpointFile() {
        return checkpoints.resolve("checkpoint.safetensors");
    }

    /** Trains; {@code log} gets what the run is made of; true when every step ran, false when stopped early. */
    public boolean run(Consumer<String> log, TrainingRun.Listener listener) throws IOException {
        if (klWeight != null && !(klWeight >= 0 && Double.isFinite(klWeight))) {
            throw new IllegalArgumentException("the KL weight must be a finite number >= 0, got " + klWeight);
        }
        if ((lpipsVgg == null) != (lpipsHeads == null)) {
            throw new IllegalArgumentException("LPIPS needs both the VGG16 weights and the LPIPS heads");
        }
        ModelLoader.checkDevice(device);
        List<ImagePlus> opened = new ArrayList<>();
        for (Path p : clips) {
            opened.add(ClipFiles.open(p));
        }
        ClipData data = new ClipData(opened, config.imgSize(), config.frameLength());
        Init.seed(seed);
        // fp32 IEEE on a GPU too: placing or loading the models turns libtorch's default TF32 convolutions off
        try (DicFace model = init == null ? fresh() : ModelLoader.load(config, init, device);
                DicFace ema = init == null ? fresh() : ModelLoader.load(config, init, device);
                Lpips lpips = lpipsVgg == null ? null : Lpips.load(lpipsVgg, lpipsHeads)) {
            if (init == null) {
                ema.loadStateDict(model.stateDict());
            }
            if (lpips != null) {
                lpips.to(device, DType.FLOAT32);
            }
            model.skipGradients(skipGradients);
            try (Trainer trainer = new Trainer(model, ema, data, task, new CosineSchedule(lr, lrMin, steps), clipsPerStep,
                    klWeight != null ? klWeight : Trainer.officialKlWeight(task), seed)) {
                trainer.unfreezing(unfreezing).perceptual(lpips).colorJitter(colorJitter);
                Path file = checkpointFile();
                if (resume && Files.exists(file)) {
                    trainer.resume(file);
                    log.accept("resumed at step " + trainer.step());
                }
                log.accept(trainer.lossNote());
                return TrainingRun.run(trainer, steps, saveEvery, file, listener);
            }
        }
    }
}
