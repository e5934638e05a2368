package org.dicface.train;

import org.dicface.io.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.dicface.io.SafeTensors;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.DirichletKl;
import org.dicface.model.Probe;
import org.dicface.model.Sampling;
import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * Trains DicFace with the official recipe (docs/ARCHITECTURE.md, "Training recipe"): per step,
 * {@code clipsPerStep} degraded 5-frame windows;
 * the loss L1 + w_KL x Dirichlet KL to Dir(0.1) (one reparameterised sample per cell; fidelity 1; encoder
 * skips detached; transformer dropout 0.1); Adam (0.9, 0.99) with the cosine schedule; EMA 0.997 of the weights, which inference uses.
 * With LPIPS weights ({@link #perceptual}) the loss adds LPIPS (weight 1, the official call); without them the
 * perceptual term has weight 0, and {@link #lpipsNote()} says so.
 *
 * <p>Every random choice of a clip comes from the seed, the step number and the clip's index in the step, so a run
 * stopped and resumed from a checkpoint continues exactly as an uninterrupted run would. Each clip is its own forward
 * and backward (the gradients add up, each clip weighing 1/clips), which is what lets a step be shared by processes:
 * with a {@link #distributed process group}, process r takes the step's clips r·c … r·c + c − 1 and the gradients are
 * averaged over the group before Adam's step, so R processes of c clips train exactly as one of R·c clips (up to
 * rounding: the sums are made in another order).
 */
public final class Trainer implements AutoCloseable {
    /** What a step did. */
    public record StepResult(long step, double lr, double loss, double l1, double kl) {
    }

    private final DicFaceConfig config;
    private final DicFace model;
    private final DicFace ema;
    private final Adam adam;
    private final Ema average;
    private final CosineSchedule schedule;
    private final ClipData data;
    private final Task task;
    private final int clipsPerStep;
    private final double klWeight;
    private final long seed;
    private Unfreezing unfreezing = Unfreezing.OFFICIAL;
    private TrainingInput input = TrainingInput.OFFICIAL;
    private org.dicface.metrics.Lpips lpips;
    private org.dicface.torch.ProcessGroup group;
    private long step;

    public Trainer(DicFace model, DicFace ema, ClipData data, Task task, CosineSchedule schedule,
            int clipsPerStep, double klWeight, long seed) {
        this.config = model.config();
        this.model = model;
        this.ema = ema;
        this.data = data;
        this.task = task;
        this.schedule = schedule;
        this.clipsPerStep = clipsPerStep;
        this.klWeight = klWeight;
        this.seed = seed;
        model.train(true);
        ema.eval();
        this.adam = Adam.official(model.namedParameters());
        this.average = new Ema(model.namedParameters(), ema.namedParameters(), 0.997);
    }

    /** Adds the LPIPS term (weight 1, as the official configs); the trainer does not own it. */
    public Trainer perceptual(org.dicface.metrics.Lpips network) {
        this.lpips = network;
        return this;
    }

    /** Chooses which parameters train when (default: the official setting, everything from the start). */
    public Trainer unfreezing(Unfreezing schedule) {
        this.unfreezing = schedule;
        return this;
    }

    /** How windows are augmented and degraded (default: {@link TrainingInput#OFFICIAL}). */
    public Trainer input(TrainingInput value) {
        this.input = value;
        return this;
    }

    /**
     * Trains with the other processes of {@code value} (null: alone): the weights (and the EMA's) take rank 0's
     * now, and every step averages the gradients over the group. The trainer does not own the group.
     */
    public Trainer distributed(org.dicface.torch.ProcessGroup value) {
        this.group = value;
        if (value != null) {
            List<Tensor> all = new ArrayList<>();
            all.addAll(model.namedParameters().values());
            all.addAll(ema.namedParameters().values());
            value.broadcast(all, 0);
        }
        return this;
    }

    /** Whether this process writes the checkpoints (rank 0, or alone). */
    public boolean writesCheckpoints() {
        return group == null || group.rank() == 0;
    }

    /** The official KL weights: 1 for restoration, 0 for inpainting and colorization. */
    public static double officialKlWeight(Task task) {
        return task == Task.RESTORE ? 1.0 : 0.0;
    }

    public static String lpipsNote() {
        return "LPIPS is off (weight 0): no VGG16/LPIPS weights were given.";
    }

    /** What the loss is made of, for the log. */
    public String lossNote() {
        String terms = "L1" + (lpips == null ? "" : " + LPIPS") + " + " + klWeight + " x KL";
        return lpips == null ? lpipsNote() + " The loss is " + terms + "." : "loss: " + terms;
    }

    public long step() {
        return step;
    }

    public StepResult step(int count) throws IOException {
        StepResult last = null;
        for (int i = 0; i < count; i++) {
            last = stepOnce();
        }
        return last;
    }

    private StepResult stepOnce() throws IOException {
        double lr = schedule.lr(step);
        unfreezing.apply(model, step, schedule.period());
        int rank = group == null ? 0 : group.rank();
        double[] sums = new double[3];  // loss, L1, KL: each clip's / clips
        for (int c = 0; c < clipsPerStep; c++) {
            clip(rank * clipsPerStep + c, sums);
        }
        if (group != null) {
            try (Scope scope = Scope.open()) {
                List<Tensor> grads = new ArrayList<>();
                for (Tensor p : model.namedParameters().values()) {
                    Tensor g = p.grad();
                    if (g != null) {
                        grads.add(g);
                    }
                }
                Tensor stats = Tensor.of(new float[] {(float) sums[0], (float) sums[1], (float) sums[2]}, new long[] {3})
                        .to(model.device());  // the group shares tensors on the model's device
                grads.add(stats);
                group.allReduceMean(grads);
                float[] mean = stats.toFloatArray();
                sums = new double[] {mean[0], mean[1], mean[2]};
            }
        }
        adam.step(lr);
        adam.zeroGrad();
        average.update();
        step++;
        return new StepResult(step, lr, sums[0], sums[1], sums[2]);
    }

    /** Forward and backward of clip {@code index} of this step (its index among all the processes' clips). */
    private void clip(int index, double[] sums) throws IOException {
        Random random = new Random((seed * 1_000_003L + step) * 1_000_033L + index);
        org.dicface.torch.Torch.manualSeed(random.nextLong());  // dropout masks come from the default generator
        try (Scope scope = Scope.open(); GradMode.Guard g = GradMode.GRAD.enter(); Generator sampler = new Generator(random.nextLong())) {
            Tensor clip = input.augment(data.window(random), random);
            Tensor degraded = Degradation.apply(task, clip, random.nextLong(), input.degradationSize());
            // windows and degradations are made on the CPU (FFmpeg, seeded draws); the network runs where the model is
            // [t, 3, H, W]: the window's [0, 1] mapped once to the network's [-1, 1] ((x - 0.5) / 0.5, as the official code)
            Tensor gt = clip.to(model.device()).mul(2).sub(1);
            Tensor lq = degraded.to(model.device()).mul(2).sub(1);
            DicFace.Result r = model.forward(lq, new Sampling.Sample(), sampler, 1.0, Probe.NONE);
            Tensor l1Term = r.out().sub(gt).abs().mean();
            Tensor klTerm = DirichletKl.official(r.alpha().add(1e-6), DirichletKl.OFFICIAL_BETA);
            Tensor total = klWeight == 0 ? l1Term : l1Term.add(klTerm.mul(klWeight));
            if (lpips != null) {
                total = total.add(lpips.officialLoss(r.out(), gt));
            }
            total.mul(1.0 / clipsPerStep).backward();  // the gradients of the step's clips add up to the mean's
            sums[0] += total.item() / clipsPerStep;
            sums[1] += l1Term.item() / clipsPerStep;
            sums[2] += klTerm.item() / clipsPerStep;
        }
    }

    /** Saves weights, EMA weights, Adam's moments and the step, atomically, to a safetensors file. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> all.put("params." + k, v));
        ema.namedParameters().forEach((k, v) -> all.put("params_ema." + k, v));
        Map<String, Tensor> adamState = adam.state();
        adamState.forEach(all::put);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(step));
        meta.put("adam_steps", Long.toString(adam.steps()));
        meta.put("seed", Long.toString(seed));
        meta.put("task", task.id());
        meta.put("kl_weight", Double.toString(klWeight));
        meta.put("color_jitter", Double.toString(input.colorJitter().amount()));
        meta.put("flip", Boolean.toString(input.flip()));
        meta.put("degradation_size", Integer.toString(input.degradationSize()));
        meta.put("config", config.toJson());
        try {
            SafeTensors.write(file, all, meta);
        } finally {
            adamState.get("adam.updates").close();
        }
    }

    /** Restores a checkpoint written by {@link #save} into this trainer (same configuration and seed). */
    public void resume(Path file) throws IOException {
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, String> meta = st.metadata();
            if (!Long.toString(seed).equals(meta.get("seed")) || !sameTask(meta.get("task"))) {
                throw new IllegalArgumentException(file + " was written by a run with seed " + meta.get("seed") + " and task "
                        + meta.get("task") + "; this run has seed " + seed + " and task " + task);
            }
            loadInto(model, prefixed(st, "params."));
            loadInto(ema, prefixed(st, "params_ema."));
            adam.load(prefixed(st, "adam."), count(file, meta, "adam_steps"));
            step = count(file, meta, "step");
        }
    }

    /** A non-negative count from a checkpoint's metadata (hostile until checked). */
    private static long count(Path file, Map<String, String> meta, String key) {
        try {
            long v = Long.parseLong(String.valueOf(meta.get(key)));
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new org.dicface.io.CheckpointException(file + ": its metadata '" + key + "' is not a step count; "
                + "it is not a training checkpoint of this program");
    }

    /** Whether a checkpoint's stored task is this run's (older checkpoints store it upper-case). */
    private boolean sameTask(String stored) {
        try {
            return Task.parse(stored) == task;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void loadInto(DicFace target, Map<String, Tensor> weights) {
        try {
            target.loadStateDict(weights);
        } finally {
            weights.values().forEach(Tensor::close);
        }
    }

    private static Map<String, Tensor> prefixed(SafeTensors st, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : st.entries().keySet()) {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), st.load(name));
            }
        }
        return out;
    }

    @Override
    public void close() {
        adam.close();
    }
}
