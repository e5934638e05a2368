package org.dicface.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.process.ImageProcessor;
import org.dicface.model.DicFace;
import org.dicface.model.Fixture;
import org.dicface.model.Sampling;
import org.dicface.torch.Device;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;
import org.dicface.video.TiffWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frame flow: each input frame is read from ImageJ's pixels once whatever the task (a region pasted back,
 * the colour fix, the luminance kept, the composite of inpainting), nothing is resized that already fits, and
 * a clip streamed to a file gives the pixels of one held in memory.
 */
class FrameFlowTest extends ScopedTest {
    static DicFace model;
    static final Settings MEAN = new Settings(new Sampling.Mean(), 0, 1.0, Settings.Uncertainty.NONE);
    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        model = Fixture.model();
    }

    @AfterAll
    static void free() {
        if (model != null) {
            model.close();
        }
    }

    /** A stack that counts how often its pixels are read. */
    static final class CountingStack extends VirtualStack {
        final ImageStack frames;
        int reads;

        CountingStack(ImageStack frames) {
            super(frames.getWidth(), frames.getHeight(), null, null);
            this.frames = frames;
        }

        @Override
        public ImageProcessor getProcessor(int n) {
            reads++;
            return frames.getProcessor(n).duplicate();
        }

        @Override
        public int getSize() {
            return frames.getSize();
        }

        @Override
        public int getBitDepth() {
            return 24;
        }
    }

    private static int readsFor(ClipRestoration.Job job, int frames) {
        CountingStack stack = new CountingStack(ClipRestorationTest.rgbClip(72, 60, frames).getStack());
        ImagePlus clip = new ImagePlus("counted", stack);
        stack.reads = 0;  // ImageJ reads the first frame to set the image up
        ClipRestoration.run(model, Device.CPU, MEAN, clip, job, (i, f) -> { }, null, Progress.NONE);
        return stack.reads;
    }

    @Test
    void eachInputFrameIsReadOnceWhateverTheTask() {
        int frames = 7;  // longer than a window and the one after it, so frames leave the memo too
        Rectangle face = new Rectangle(10, 12, 40, 36);
        assertEquals(frames, readsFor(ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED), frames));
        assertEquals(frames, readsFor(ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withRegion(face).withColorFix(true), frames));
        assertEquals(frames, readsFor(ClipRestoration.Job.colorize().withFaces(FaceMode.ALIGNED).withKeepLuminance(true), frames));
        assertEquals(frames, readsFor(ClipRestoration.Job.inpaint(Masks.of(new ij.gui.Roi(20, 20, 30, 30), 72, 60)).withFaces(FaceMode.ALIGNED), frames));
    }

    @Test
    void framesThatFitAreNotResized() {
        int size = model.config().imgSize();
        FrameSource fits = FrameSource.of(3, size, size, i -> Tensor.zeros(3, size, size));
        assertSame(fits, Frames.resized(fits, size), "no transform, no copy");
        Tensor[] got = new Tensor[1];
        try (Tensor frame = Tensor.zeros(3, 20, 30)) {
            Frames.resized((i, f) -> got[0] = f, 30, 20).accept(0, frame);
            assertSame(frame, got[0], "passed through as it is");
        }
    }

    @Test
    void theMemoHandsOutEachFrameOnceAndFreesWhatFallsOut() {
        int[] made = new int[1];
        FrameSource source = FrameSource.of(6, 4, 4, i -> {
            made[0]++;
            return Tensor.full(i, org.dicface.torch.DType.FLOAT32, Device.CPU, 3, 4, 4);
        });
        try (Frames.Memo memo = Frames.memo(source, 2)) {
            for (int i : new int[] {0, 1, 0, 1, 2, 1, 2, 3}) {
                try (Tensor f = memo.frame(i)) {
                    assertEquals(i, f.toFloatArray()[5], 0);
                }
            }
            assertEquals(4, made[0], "0, 1, 2 and 3 once each");
            assertEquals(4, memo.conversions());
            try (Tensor again = memo.frame(0)) {  // fell out of the two kept: read again
                assertEquals(0, again.toFloatArray()[0], 0);
            }
            assertEquals(5, made[0]);
        }
    }

    @Test
    void aClipStreamedToAFileHasThePixelsOfOneHeldInMemory() throws IOException {
        ImagePlus clip = ClipRestorationTest.rgbClip(70, 50, 4);
        ClipRestoration.Job job = ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withRegion(new Rectangle(5, 5, 50, 40));
        ClipRestoration.Result inMemory = ClipRestoration.run(model, Device.CPU, MEAN, clip, job, Progress.NONE);
        Path file = dir.resolve("streamed.tif");
        try (TiffWriter w = new TiffWriter(file, 0)) {
            ClipRestoration.run(model, Device.CPU, MEAN, clip, job, FrameSink.rgb(w), null, Progress.NONE);
            w.commit();
        }
        ImagePlus streamed = IJ.openImage(file.toString());
        assertEquals(4, streamed.getStackSize());
        for (int i = 1; i <= 4; i++) {
            assertArrayEquals((int[]) inMemory.output().getStack().getPixels(i), (int[]) streamed.getStack().getPixels(i), "frame " + i);
        }
    }
}
