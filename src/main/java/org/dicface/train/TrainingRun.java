package org.dicface.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The training loop the front-ends share: steps until {@code steps}, a checkpoint every {@code saveEvery}
 * steps and at the end (by rank 0 of a data-parallel run); when the listener asks to stop, a checkpoint is written
 * first, so nothing is lost.
 */
public final class TrainingRun {
    /** Told after each step; returns false to stop (after a checkpoint). */
    @FunctionalInterface
    public interface Listener {
        boolean stepDone(Trainer.StepResult result, double secondsPerStep);
    }

    private TrainingRun() {
    }

    /** @return true when all steps ran, false when stopped early */
    public static boolean run(Trainer trainer, long steps, long saveEvery, Path checkpoint, Listener listener) throws IOException {
        org.dicface.io.AtomicFile.removeStale(checkpoint);  // the half-written checkpoint of a run that was killed
        long start = System.nanoTime();
        long first = trainer.step();
        while (trainer.step() < steps) {
            Trainer.StepResult r = trainer.step(1);
            double perStep = (System.nanoTime() - start) / 1e9 / (r.step() - first);
            boolean go = listener.stepDone(r, perStep);
            if (trainer.writesCheckpoints() && (!go || r.step() % saveEvery == 0 || r.step() == steps)) {
                trainer.save(checkpoint);
            }
            if (!go) {
                return false;
            }
        }
        return true;
    }
}
