package org.dicface.cli;

import org.dicface.io.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dicface.model.DicFaceConfig;
import org.dicface.torch.Device;
import org.dicface.train.ColorJitter;
import org.dicface.train.Degradation;
import org.dicface.train.TrainingInput;
import org.dicface.train.TrainingJob;
import org.dicface.train.Unfreezing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;



/**
 * {@code dicface train}: the official recipe on aligned face clips (video files, image folders, TIFF stacks),
 * from scratch or from a checkpoint; checkpoints are written atomically every {@code --save-every} steps and at
 * the end, so stopping the process loses at most the steps since the last one; {@code --resume} continues
 * exactly where a checkpoint left off.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train DicFace on face clips.")
final class TrainCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "training clips: videos, image folders or TIFF stacks of aligned faces")
    List<Path> clips;

    @Option(names = "--task", converter = TaskConverter.class, description = "restore, inpaint or colorize (default: ${DEFAULT-VALUE})")
    Task task = Task.RESTORE;

    @Option(names = "--config", defaultValue = "official", description = "official, or a config.json")
    String config;

    @Option(names = "--init", description = "start from these weights (.pth or .safetensors); default: from scratch")
    Path init;

    @Option(names = "--steps", description = "steps (the cosine schedule's period) (default: ${DEFAULT-VALUE})")
    long steps = TrainingJob.STEPS;

    @Option(names = "--lr", description = "initial learning rate (default: ${DEFAULT-VALUE})")
    double lr = TrainingJob.LR;

    @Option(names = "--lr-min", description = "final learning rate (default: ${DEFAULT-VALUE})")
    double lrMin = TrainingJob.LR_MIN;

    @Option(names = "--clips-per-step", description = "5-frame clips per step (default: ${DEFAULT-VALUE})")
    int clipsPerStep = TrainingJob.CLIPS_PER_STEP;

    @Option(names = "--unfreezing", defaultValue = "official", description = "official (all at once) or progressive (the paper's)")
    String unfreezing;

    @Option(names = "--lpips-vgg", description = "torchvision's VGG16 weights (vgg16-397923af.pth), for the LPIPS term")
    Path lpipsVgg;

    @Option(names = "--lpips-heads", description = "the lpips v0.1 linear heads (vgg.pth), for the LPIPS term")
    Path lpipsHeads;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = {"-o", "--checkpoints"}, required = true, description = "folder for checkpoint.safetensors")
    Path checkpoints;

    @Option(names = "--save-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    long saveEvery = TrainingJob.SAVE_EVERY;

    @Option(names = "--skip-gradients", description = "let the loss reach the encoder through the skip features"
            + " (the official recipe detaches them, as its encoder starts trained; use this when training from scratch)")
    boolean skipGradients;

    @Option(names = "--kl-weight", description = "weight of the Dirichlet KL term (default: the official one, 1 for restore,"
            + " 0 for inpaint and colorize)")
    Double klWeight;

    @Option(names = "--color-jitter", defaultValue = "0", description = "scale each training window's red, green and blue by gains"
            + " in [1-a, 1+a] before degrading it, meant to make a model trained on few faces read colour from its input"
            + " (not official; default: ${DEFAULT-VALUE}, none)")
    double colorJitter;

    @Option(names = "--flip", description = "mirror half of the training windows left-right (not official; more faces from few)")
    boolean flip;

    @Option(names = "--degradation-size", description = "the frame size the restoration degradation acts at: smaller frames are"
            + " enlarged to it, degraded and reduced back (0: the frames' own size; default: ${DEFAULT-VALUE}, the official data's)")
    int degradationSize = Degradation.OFFICIAL_SIZE;

    @Option(names = "--device", defaultValue = "auto", description = "auto (CUDA when there is one), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--resume", description = "continue from the checkpoint in the folder")
    boolean resume;

    @Option(names = "--nproc", defaultValue = "1", description = "processes training together on this machine (data"
            + " parallel, c10d: Gloo on the CPU, NCCL on CUDA with process r on cuda:r): each takes --clips-per-step clips,"
            + " the gradients are averaged; on a"
            + " cluster, start one process per node or device with RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set (or"
            + " SLURM's variables) instead (default: ${DEFAULT-VALUE})")
    int nproc;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The job these options describe (the same builder, defaults and checks as the Fiji command's). */
    TrainingJob job() throws java.io.IOException {
        return TrainingJob.builder(clips, checkpoints).task(task).config(DicFaceConfig.resolve(config)).init(init)
                .steps(steps).lr(lr, lrMin).clipsPerStep(clipsPerStep).unfreezing(Unfreezing.parse(unfreezing))
                .lpips(lpipsVgg, lpipsHeads).seed(seed).saveEvery(saveEvery).resume(resume).skipGradients(skipGradients)
                .klWeight(klWeight)
                .input(new TrainingInput(new ColorJitter(colorJitter), flip, degradationSize)).device(Device.parse(device))
                .distributed(org.dicface.train.Distributed.fromEnvironment(System.getenv())).build();
    }

    @Override
    public Integer call() throws Exception {
        if (nproc < 1 || nproc > org.dicface.train.Distributed.MAX_WORLD) {
            throw new IllegalArgumentException("--nproc must be from 1 to " + org.dicface.train.Distributed.MAX_WORLD + ", got " + nproc);
        }
        if (nproc > 1) {
            job();  // every option checked once here, before any process starts
            return Processes.launch(nproc, spec.commandLine().getParseResult().originalArgs(), checkpoints);
        }
        TrainingJob job = job();
        boolean quiet = job.distributed().rank() != 0;  // rank 0 speaks for the run
        try (StopOnSignal signal = new StopOnSignal()) {  // SIGTERM/Ctrl-C: finish the step, checkpoint, then exit
            boolean complete = job.run(quiet ? m -> { } : System.err::println, (r, sPerStep) -> {
                if (quiet) {
                    return !signal.requested();
                }
                System.err.printf(Locale.ROOT, "\rstep %d/%d  loss %.4f (L1 %.4f, KL %.2f)  lr %.2e  %.2f s/step", r.step(), steps,
                        r.loss(), r.l1(), r.kl(), r.lr(), sPerStep);
                return !signal.requested();
            });
            if (!complete) {
                System.err.println();
                System.err.println("stopped by a signal; checkpoint written (continue with --resume)");
            }
        }
        if (!quiet) {
            System.err.println();
            System.out.println("checkpoint: " + job.checkpointFile() + " (params_ema.* are the inference weights)");
        }
        return 0;
    }
}
