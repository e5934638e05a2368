package org.dicface.train;

import org.dicface.io.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * if asked, and trains, writing checkpoint.safetensors in the folder. Made with {@link #builder}, which holds
 * the defaults (the official recipe); every value is checked here, so both front-ends refuse the same things.
 * {@code skipGradients}: see {@link DicFace#skipGradients} (off in the official recipe; on when training from
 * scratch). {@code klWeight}: null for the official weight of the task. {@code device}: where the network
 * trains (clips, windows and degradations stay on the CPU). {@code distributed}: this process's place in a
 * data-parallel run ({@link Distributed#ALONE} by default).
 */
public record TrainingJob(List<Path> clips, Task task, DicFaceConfig config, Path init, long steps, double lr,
        double lrMin, int clipsPerStep, Unfreezing unfreezing, Path lpipsVgg, Path lpipsHeads, long seed, Path checkpoints,
        long saveEvery, boolean resume, boolean skipGradients, Double klWeight, TrainingInput input, Device device,
        Distributed distributed) {
    /** The official recipe's defaults, which the CLI's and Fiji's fields start from. */
    public static final long STEPS = 100_000;
    public static final double LR = CosineSchedule.OFFICIAL_LR;
    public static final double LR_MIN = CosineSchedule.OFFICIAL_LR_MIN;
    public static final int CLIPS_PER_STEP = 2;
    public static final long SAVE_EVERY = 500;
    /** More 5-frame windows per step than this is a typo rather than a batch (the official recipe takes 2). */
    public static final int MAX_CLIPS_PER_STEP = 1024;

    public TrainingJob {
        Objects.requireNonNull(clips, "clips");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(unfreezing, "unfreezing");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(distributed, "distributed");
        device = distributed.deviceFor(device);
        if (distributed.world() > 1 && !org.dicface.torch.ProcessGroup.supports(device)) {
            throw new IllegalArgumentException(device.type() == Device.Type.CPU
                    ? "data-parallel training on the CPU needs the native library built with Gloo's headers: install"
                            + " libgloo-dev (Debian) and build native/ again (scripts/build-native)"
                    : "data-parallel training on CUDA needs the native library built against a CUDA libtorch 2.x with NCCL"
                            + " (README, \"Training across processes\"); give --device cpu to train across processes on the CPU");
        }
        clips = List.copyOf(clips);
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("no training clips: give videos, image folders or TIFF stacks of aligned faces");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("the number of steps must be at least 1, got " + steps);
        }
        if (!(lr > 0 && Double.isFinite(lr))) {
            throw new IllegalArgumentException("the learning rate must be a finite number > 0, got " + lr);
        }
        if (!(lrMin >= 0 && lrMin <= lr)) {  // NaN too
            throw new IllegalArgumentException("the final learning rate must be from 0 to the learning rate (" + lr + "), got " + lrMin);
        }
        if (clipsPerStep < 1 || clipsPerStep > MAX_CLIPS_PER_STEP) {
            throw new IllegalArgumentException("clips per step must be from 1 to " + MAX_CLIPS_PER_STEP + ", got " + clipsPerStep);
        }
        if (saveEvery < 1) {
            throw new IllegalArgumentException("the steps between checkpoints must be at least 1, got " + saveEvery);
        }
        if (klWeight != null && !(klWeight >= 0 && Double.isFinite(klWeight))) {
            throw new IllegalArgumentException("the KL weight must be a finite number >= 0, got " + klWeight);
        }
        if ((lpipsVgg == null) != (lpipsHeads == null)) {
            throw new IllegalArgumentException("LPIPS needs both the VGG16 weights and the LPIPS heads");
        }
    }

    /** A job on these clips, checkpoints in this folder, with the official recipe's defaults for everything else. */
    public static Builder builder(List<Path> clips, Path checkpoints) {
        return new Builder(clips, checkpoints);
    }

    /** The job's values, starting from the defaults; {@link #build} checks them. */
    public static final class Builder {
        private final List<Path> clips;
        private final Path checkpoints;
        private Task task = Task.RESTORE;
        private DicFaceConfig config = DicFaceConfig.official();
        private Path init;
        private long steps = STEPS;
        private double lr = LR;
        private double lrMin = LR_MIN;
        private int clipsPerStep = CLIPS_PER_STEP;
        private Unfreezing unfreezing = Unfreezing.OFFICIAL;
        private Path lpipsVgg;
        private Path lpipsHeads;
        private long seed;
        private long saveEvery = SAVE_EVERY;
        private boolean resume;
        private boolean skipGradients;
        private Double klWeight;
        private TrainingInput input = TrainingInput.OFFICIAL;
        private Device device = Device.CPU;
        private Distributed distributed = Distributed.ALONE;

        private Builder(List<Path> clips, Path checkpoints) {
            this.clips = clips;
            this.checkpoints = checkpoints;
        }

        public Builder task(Task value) {
            task = value;
            return this;
        }

        public Builder config(DicFaceConfig value) {
            config = value;
            return this;
        }

        /** Start from these weights (null: from scratch). */
        public Builder init(Path value) {
            init = value;
            return this;
        }

        /** Steps, the cosine schedule's period. */
        public Builder steps(long value) {
            steps = value;
            return this;
        }

        /** The initial and the final learning rate. */
        public Builder lr(double initial, double last) {
            lr = initial;
            lrMin = last;
            return this;
        }

        public Builder clipsPerStep(int value) {
            clipsPerStep = value;
            return this;
        }

        public Builder unfreezing(Unfreezing value) {
            unfreezing = value;
            return this;
        }

        /** The LPIPS term's weights: torchvision's VGG16 and the lpips heads (both, or neither). */
        public Builder lpips(Path vgg, Path heads) {
            lpipsVgg = vgg;
            lpipsHeads = heads;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder saveEvery(long value) {
            saveEvery = value;
            return this;
        }

        /** Continue from the checkpoint in the folder when there is one. */
        public Builder resume(boolean value) {
            resume = value;
            return this;
        }

        public Builder skipGradients(boolean value) {
            skipGradients = value;
            return this;
        }

        /** The Dirichlet KL term's weight; null: the task's official one. */
        public Builder klWeight(Double value) {
            klWeight = value;
            return this;
        }

        /** Augmentations and the degradation size (default: the official recipe's). */
        public Builder input(TrainingInput value) {
            input = value;
            return this;
        }

        public Builder device(Device value) {
            device = value;
            return this;
        }

        public Builder distributed(Distributed value) {
            distributed = value;
            return this;
        }

        public TrainingJob build() {
            return new TrainingJob(clips, task, config, init, steps, lr, lrMin, clipsPerStep, unfreezing, lpipsVgg, lpipsHeads,
                    seed, checkpoints, saveEvery, resume, skipGradients, klWeight, input, device, distributed);
        }
    }

    /** A model initialised from scratch (on the CPU, where the seeded initialisation draws), moved to the device in fp32. */
    private DicFace fresh() {
        return ModelLoader.place(new DicFace(config), device, Precision.FP32);
    }

    public Path checkpointFile() {
        return checkpoints.resolve("checkpoint.safetensors");
    }

    /** Trains; {@code log} gets what the run is made of; true when every step ran, false when stopped early. */
    public boolean run(Consumer<String> log, TrainingRun.Listener listener) throws IOException {
        ModelLoader.checkDevice(device);
        List<ImagePlus> opened = new ArrayList<>();
        for (Path p : clips) {
            opened.add(ClipFiles.open(p));
        }
        ClipData data = new ClipData(opened, config.imgSize(), config.frameLength());
        Init.seed(seed);
        // fp32 IEEE on a GPU too: placing or loading the models turns libtorch's default TF32 convolutions off.
        // The weights are read once (--init) or drawn once; the EMA model starts as a copy of them.
        try (DicFace model = init == null ? fresh() : ModelLoader.load(config, init, device);
                DicFace ema = ModelLoader.copy(model);
                Lpips lpips = lpipsVgg == null ? null : Lpips.load(lpipsVgg, lpipsHeads)) {
            if (lpips != null) {
                lpips.to(device, DType.FLOAT32);
            }
            model.skipGradients(skipGradients);
            try (Trainer trainer = new Trainer(model, ema, data, task, new CosineSchedule(lr, lrMin, steps), clipsPerStep,
                    klWeight != null ? klWeight : Trainer.officialKlWeight(task), seed)) {
                trainer.unfreezing(unfreezing).perceptual(lpips).input(input);
                Path file = checkpointFile();
                if (resume && Files.exists(file)) {
                    trainer.resume(file);
                    log.accept("resumed at step " + trainer.step());
                }
                log.accept(trainer.lossNote());
                try (org.dicface.torch.ProcessGroup group = distributed.join(device)) {
                    if (group != null) {
                        log.accept("data-parallel: rank " + distributed.rank() + " of " + distributed.world() + ", "
                                + clipsPerStep + " clip(s) per step each, gradients averaged over the processes");
                    }
                    trainer.distributed(group);
                    return TrainingRun.run(trainer, steps, saveEvery, file, listener);
                }
            }
        }
    }
}
