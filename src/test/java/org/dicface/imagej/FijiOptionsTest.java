package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;

import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.pipeline.RunOptions;
import org.dicface.torch.Device;
import org.dicface.train.TrainingJob;
import org.junit.jupiter.api.Test;
import org.scijava.command.CommandModule;

/** The Fiji commands share the CLI's option parsing and defaults: the same refusals, the same training defaults. */
class FijiOptionsTest extends CommandHarness {
    private static String refusal(String key, Object value) throws Exception {
        CommandModule m = run(RestoreFaces.class, "image", ClipRestorationTest.rgbClip(32, 32, 2), key, value);
        assertNull(m.getOutput("result"), "nothing restored for " + key + "=" + value);
        return m.getCancelReason();
    }

    @Test
    void theRestoreCommandRefusesWhatTheCliRefuses() throws Exception {
        assertEquals("DicFace restore: the fidelity weight must be a number from 0 to 1, got NaN", refusal("fidelity", Double.NaN));
        assertEquals("DicFace restore: mc:K takes K from 1 to 1000, got 1000000000 (the average of K draws approaches 'mean' as"
                + " 1/sqrt(K): for more, use mean)", refusal("sampling", "mc:1000000000"));
        assertEquals("DicFace restore: topk:100000 asks for more entries than this model's codebook has (64): use K from 1 to 64",
                refusal("sampling", "topk:100000"));
        assertEquals("DicFace restore: unknown uncertainty map 'variance': use none, concentration or entropy",
                refusal("uncertainty", "variance"));
        assertEquals("DicFace restore: the feather must be 0 or more pixels, got -2", refusal("feather", -2));
    }

    @Test
    void theFaceCommandsStartFromTheSharedDefaults() {
        RestoreFaces restore = new RestoreFaces();
        assertEquals(RunOptions.parse(RunOptions.SAMPLING, RunOptions.SEED, RunOptions.FIDELITY, RunOptions.DEVICE,
                RunOptions.PRECISION, RunOptions.UNCERTAINTY), RunOptions.parse(restore.sampling, restore.seed, restore.fidelity,
                restore.device, restore.precision, restore.uncertainty));
        assertEquals("sample", restore.sampling);
        assertEquals(1.0, restore.fidelity);
        assertEquals(16, restore.feather);
    }

    /** The same job as the CLI's (OptionsCliTest): in particular the final learning rate, 2e-5, whatever the first. */
    @Test
    void theTrainCommandBuildsTheCliJob() throws Exception {
        Path clip = home.resolve("a.tif");
        TrainDicFace train = new TrainDicFace();
        train.checkpoints = home.toFile();
        assertEquals(TrainingJob.builder(List.of(clip), home).device(Device.parse("auto")).build(), train.job(List.of(clip)));
        train.lr = 1e-4;
        assertEquals(1e-4, train.job(List.of(clip)).lr());
        assertEquals(2e-5, train.job(List.of(clip)).lrMin(), "the final learning rate does not follow the first");
        train.lr_min = 1e-5;
        assertEquals(1e-5, train.job(List.of(clip)).lrMin());
    }
}
