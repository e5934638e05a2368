package org.dicface.pipeline;

import org.dicface.video.FrameSink;
import org.dicface.video.FrameSource;
import org.dicface.video.StackSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.io.IOException;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.OvalRoi;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import org.dicface.model.DicFace;
import org.dicface.model.Fixture;
import org.dicface.model.Sampling;
import org.dicface.torch.Device;
import org.dicface.torch.Generator;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The three tasks on ImageJ clips of odd sizes and every bit depth; inputs are never modified. */
public class ClipRestorationTest extends ScopedTest {
    static DicFace model;
    static final Settings MEAN = new Settings(new Sampling.Mean(), 0, 1.0, Settings.Uncertainty.NONE);

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

    /** A textured RGB clip of {@code frames} frames. */
    public static ImagePlus rgbClip(int w, int h, int frames) {
        ImageStack stack = new ImageStack(w, h);
        for (int t = 0; t < frames; t++) {
            ColorProcessor cp = new ColorProcessor(w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = (x * 3 + t * 7) & 0xff;
                    int g = (y * 5 + x) & 0xff;
                    int b = (x * y / 7 + t * 20) & 0xff;
                    cp.set(x, y, r << 16 | g << 8 | b);
                }
            }
            stack.addSlice(cp);
        }
        ImagePlus imp = new ImagePlus("clip", stack);
        imp.setDimensions(1, 1, frames);
        imp.getCalibration().frameInterval = 0.04;
        imp.getCalibration().pixelWidth = 0.5;
        return imp;
    }

    static int[] pixels(ImagePlus imp, int slice) {
        return ((int[]) imp.getStack().getProcessor(slice).getPixels()).clone();
    }

    @Test
    void restoreKeepsSizeAndCalibrationAndLeavesTheInputAlone() {
        ImagePlus input = rgbClip(101, 77, 3);
        int[] before = pixels(input, 2);
        ClipRestoration.Result r = ClipRestoration.run(model, Device.CPU, MEAN, input, ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED), Progress.NONE);
        assertEquals(101, r.output().getWidth());
        assertEquals(77, r.output().getHeight());
        assertEquals(3, r.output().getNFrames());
        assertEquals(24, r.output().getBitDepth());
        assertEquals(0.04, r.output().getCalibration().frameInterval);
        assertEquals(0.5, r.output().getCalibration().pixelWidth);
        assertArrayEquals(before, pixels(input, 2), "the input is not modified");
        assertEquals(3, r.summary().frames());
        ClipRestoration.Job modelSize = ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withKeepSize(false);
        assertEquals(128, ClipRestoration.run(model, Device.CPU, MEAN, input, modelSize, Progress.NONE).output().getWidth());
    }

    /** Channel means of one RGB slice, 0..255. */
    static double[] channelMeans(ImagePlus imp, int slice) {
        int[] px = pixels(imp, slice);
        double[] m = new double[3];
        for (int v : px) {
            m[0] += ((v >> 16) & 255) / (double) px.length;
            m[1] += ((v >> 8) & 255) / (double) px.length;
            m[2] += (v & 255) / (double) px.length;
        }
        return m;
    }

    @Test
    void theColorFixGivesEachFrameTheInputsChannelMeansAndKeepsTheDetail() {
        FrameSource input = new StackSource(rgbClip(64, 48, 2));
        CapturingSink captured = new CapturingSink();
        FrameSink fixed = Frames.keepingColorMeans(captured, input);
        Tensor restored;
        try (Generator random = new Generator(4)) {
            restored = Tensor.uniform(-1, 0.2, random, 3, 48, 64);
        }
        fixed.accept(1, restored);
        assertEquals(1, captured.index(0));
        Tensor got = captured.frame(0);
        long[] plane = {1, 2};
        assertArrayEquals(input.frame(1).mean(plane, false).toFloatArray(), got.mean(plane, false).toFloatArray(), 1e-5f);
        float[] detailBefore = restored.sub(restored.mean(plane, true)).toFloatArray();
        float[] detailAfter = got.sub(got.mean(plane, true)).toFloatArray();
        assertArrayEquals(detailBefore, detailAfter, 1e-5f, "only the means move");
    }

    @Test
    void theColorFixRunsInRestorationOnlyAndMovesTheMeansToTheInputs() {
        ImagePlus input = rgbClip(128, 128, 2);
        ClipRestoration.Job plain = ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withKeepSize(false);
        ClipRestoration.Job fixed = ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withKeepSize(false).withColorFix(true);
        ImagePlus a = ClipRestoration.run(model, Device.CPU, MEAN, input, plain, Progress.NONE).output();
        ImagePlus b = ClipRestoration.run(model, Device.CPU, MEAN, input, fixed, Progress.NONE).output();
        double before = 0;
        double after = 0;
        for (int t = 1; t <= 2; t++) {
            double[] in = channelMeans(input, t);
            double[] p = channelMeans(a, t);
            double[] f = channelMeans(b, t);
            for (int c = 0; c < 3; c++) {
                before += Math.abs(p[c] - in[c]);
                after += Math.abs(f[c] - in[c]);
            }
        }
        // the fixture's random weights clip many pixels at 0 or 255, so the 8-bit means come close, not equal
        assertTrue(after < before / 2, "channel-mean error " + before + " without the fix, " + after + " with it");
        var e = assertThrows(IllegalArgumentException.class, () -> ClipRestoration.Job.colorize().withFaces(FaceMode.ALIGNED).withColorFix(true));
        assertTrue(e.getMessage().contains("only restoration keeps"), e.getMessage());
    }

    @Test
    void aRegionIsRestoredAndPastedBackWithNothingOutsideChanged() {
        ImagePlus input = rgbClip(120, 90, 2);
        Rectangle face = new Rectangle(30, 10, 64, 64);
        ClipRestoration.Job job = ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withRegion(face).withFeather(8);
        ImagePlus out = ClipRestoration.run(model, Device.CPU, MEAN, input, job, Progress.NONE).output();
        int[] in = pixels(input, 1);
        int[] res = pixels(out, 1);
        int changedInside = 0;
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 120; x++) {
                int i = y * 120 + x;
                if (!face.contains(x, y)) {
                    assertEquals(in[i] & 0xffffff, res[i] & 0xffffff, "outside the region at " + x + "," + y);
                } else if ((in[i] & 0xffffff) != (res[i] & 0xffffff)) {
                    changedInside++;
                }
            }
        }
        assertTrue(changedInside > 1000, "the region was restored: " + changedInside);
        assertThrows(IllegalArgumentException.class, () -> ClipRestoration.run(model, Device.CPU, MEAN, input,
                ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED).withRegion(new Rectangle(100, 0, 64, 64)).withFeather(8), Progress.NONE));
    }

    @Test
    void inpaintingChangesOnlyTheMaskedPixels() {
        ImagePlus input = rgbClip(96, 96, 2);
        OvalRoi hole = new OvalRoi(30, 30, 30, 20);
        Masks masks = Masks.of(hole, 96, 96);
        ImagePlus out = ClipRestoration.run(model, Device.CPU, MEAN, input,
                ClipRestoration.Job.inpaint(masks).withFaces(FaceMode.ALIGNED), Progress.NONE).output();
        int[] in = pixels(input, 2);
        int[] res = pixels(out, 2);
        int changed = 0;
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                int i = y * 96 + x;
                if (!hole.contains(x, y)) {
                    assertEquals(in[i] & 0xffffff, res[i] & 0xffffff, "outside the mask at " + x + "," + y);
                } else if ((in[i] & 0xffffff) != (res[i] & 0xffffff)) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 100, "the hole was filled: " + changed);
        // a mask stack with one slice per frame works the same way
        ImageStack ms = new ImageStack(96, 96);
        for (int t = 0; t < 2; t++) {
            ByteProcessor bp = new ByteProcessor(96, 96);
            bp.setColor(255);
            bp.fill(hole);
            ms.addSlice(bp);
        }
        ImagePlus maskStack = new ImagePlus("mask", ms);
        ImagePlus out2 = ClipRestoration.run(model, Device.CPU, MEAN, input,
                ClipRestoration.Job.inpaint(Masks.of(maskStack, 2, 96, 96)).withFaces(FaceMode.ALIGNED), Progress.NONE).output();
        assertArrayEquals(res, pixels(out2, 2));
        assertThrows(IllegalArgumentException.class, () -> Masks.of(new ImagePlus("m", new ByteProcessor(5, 5)), 2, 96, 96));
        assertThrows(IllegalArgumentException.class, () -> ClipRestoration.Job.inpaint(null).withFaces(FaceMode.ALIGNED));
    }

    @Test
    void colorizationGivesRgbAndCanKeepTheInputLuminance() {
        ImageStack stack = new ImageStack(80, 60);
        for (int t = 0; t < 2; t++) {
            ByteProcessor bp = new ByteProcessor(80, 60);
            for (int i = 0; i < 80 * 60; i++) {
                bp.set(i, (i * 7 + t * 13) % 256);
            }
            stack.addSlice(bp);
        }
        ImagePlus gray = new ImagePlus("gray", stack);
        ImagePlus out = ClipRestoration.run(model, Device.CPU, MEAN, gray,
                ClipRestoration.Job.colorize().withFaces(FaceMode.ALIGNED).withKeepLuminance(true), Progress.NONE).output();
        assertEquals(24, out.getBitDepth());
        int[] res = pixels(out, 1);
        byte[] in = (byte[]) gray.getStack().getProcessor(1).getPixels();
        int unclipped = 0;
        for (int i = 0; i < res.length; i++) {
            int r = res[i] >> 16 & 0xff;
            int g = res[i] >> 8 & 0xff;
            int b = res[i] & 0xff;
            if (r > 0 && r < 255 && g > 0 && g < 255 && b > 0 && b < 255) {  // (random weights give strong colours)
                unclipped++;
                double y = 0.299 * r + 0.587 * g + 0.114 * b;
                assertEquals(in[i] & 0xff, y, 1.5, "luminance at pixel " + i);
            }
        }
        assertTrue(unclipped > 0);
    }

    @Test
    void keepingLuminanceReplacesOnlyTheLuma() {
        Tensor input;
        Tensor restored;
        try (Generator r1 = new Generator(1); Generator r2 = new Generator(2)) {
            input = Tensor.uniform(-1, 1, r1, 3, 4, 5);
            restored = Tensor.uniform(-1, 1, r2, 3, 4, 5);
        }
        CapturingSink captured = new CapturingSink();
        Frames.keepingLuminance(captured, StreamingRestorerTest.sourceOf(input)).accept(0, restored);
        float[] in = input.toFloatArray();
        float[] model = restored.toFloatArray();
        float[] got = captured.frame(0).toFloatArray();
        int n = 4 * 5;
        for (int p = 0; p < n; p++) {
            double lumaIn = bt601(in, p, n);
            double lumaModel = bt601(model, p, n);
            assertEquals(lumaIn, bt601(got, p, n), 1e-5, "the input's luma at " + p);
            for (int c = 0; c < 3; c++) {  // the colour (each channel minus the luma) is the model's
                assertEquals(model[c * n + p] - lumaModel, got[c * n + p] - lumaIn, 1e-5, "channel " + c + " at " + p);
            }
        }
    }

    /** ITU-R BT.601 luma of pixel p of a [3, H, W] frame of n pixels a plane, in plain Java. */
    private static double bt601(float[] frame, int p, int n) {
        return 0.299 * frame[p] + 0.587 * frame[n + p] + 0.114 * frame[2 * n + p];
    }

    @Test
    void sixteenAndThirtyTwoBitClipsUseTheDisplayRange() {
        ImageStack s16 = new ImageStack(64, 64);
        ImageStack s32 = new ImageStack(64, 64);
        for (int t = 0; t < 2; t++) {
            ShortProcessor sp = new ShortProcessor(64, 64);
            FloatProcessor fp = new FloatProcessor(64, 64);
            for (int i = 0; i < 64 * 64; i++) {
                sp.set(i, 1000 + (i * 37 + t) % 3000);
                fp.setf(i, (float) (1000 + (i * 37 + t) % 3000));
            }
            s16.addSlice(sp);
            s32.addSlice(fp);
        }
        ImagePlus i16 = new ImagePlus("16", s16);
        ImagePlus i32 = new ImagePlus("32", s32);
        i16.setDisplayRange(1000, 4000);
        i32.setDisplayRange(1000, 4000);
        int[] a = pixels(ClipRestoration.run(model, Device.CPU, MEAN, i16, ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED), Progress.NONE).output(), 2);
        int[] b = pixels(ClipRestoration.run(model, Device.CPU, MEAN, i32, ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED), Progress.NONE).output(), 2);
        assertArrayEquals(a, b, "the same values in 16 and 32 bits restore alike");
    }

    @Test
    void unsupportedLayoutsAreExplained() {
        ImageStack s = new ImageStack(32, 32);
        for (int i = 0; i < 4; i++) {
            s.addSlice(new ByteProcessor(32, 32));
        }
        ImagePlus zt = new ImagePlus("zt", s);
        zt.setDimensions(1, 2, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> new StackSource(zt));
        assertTrue(e.getMessage().contains("both z (2) and time (2)"), e.getMessage());
        ImagePlus twoChannels = new ImagePlus("c2", s);
        twoChannels.setDimensions(2, 1, 2);
        e = assertThrows(IllegalArgumentException.class, () -> new StackSource(twoChannels));
        assertTrue(e.getMessage().contains("has 2 channels"), e.getMessage());
        // three 8-bit channels are R, G, B: the clip reads exactly as the RGB clip its planes were split from
        ImagePlus rgb = rgbClip(32, 32, 2);
        ImageStack planes = new ImageStack(32, 32);
        for (int t = 1; t <= 2; t++) {
            int[] px = pixels(rgb, t);
            for (int shift : new int[] {16, 8, 0}) {
                byte[] plane = new byte[px.length];
                for (int i = 0; i < px.length; i++) {
                    plane[i] = (byte) (px[i] >> shift);
                }
                planes.addSlice(new ByteProcessor(32, 32, plane));
            }
        }
        ImagePlus threeChannels = new ImagePlus("c3", planes);
        threeChannels.setDimensions(3, 1, 2);
        StackSource fromChannels = new StackSource(threeChannels);
        StackSource fromRgb = new StackSource(rgb);
        assertEquals(2, fromChannels.frameCount());
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(fromRgb.frame(t).toFloatArray(), fromChannels.frame(t).toFloatArray(), "frame " + t);
        }
        ImagePlus rgbWithChannels = new ImagePlus("rgb3", rgbClip(32, 32, 3).getStack());
        rgbWithChannels.setDimensions(3, 1, 1);
        e = assertThrows(IllegalArgumentException.class, () -> new StackSource(rgbWithChannels));
        assertTrue(e.getMessage().contains("is RGB with 3 channels; flatten it first"), e.getMessage());
        ImagePlus zOnly = new ImagePlus("z", s);
        zOnly.setDimensions(1, 4, 1);
        assertEquals(4, new StackSource(zOnly).frameCount(), "z is the time axis when there is no time axis");
        ImagePlus flat = new ImagePlus("f", new FloatProcessor(32, 32));
        flat.setDisplayRange(5, 5);
        e = assertThrows(IllegalArgumentException.class, () -> new StackSource(flat).frame(0));
        assertTrue(e.getMessage().contains("display range"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void uncertaintyStackIsMadeOnRequest() {
        ImagePlus input = rgbClip(70, 50, 2);
        ClipRestoration.Result r = ClipRestoration.run(model, Device.CPU,
                new Settings(new Sampling.Sample(), 3, 1.0, Settings.Uncertainty.ENTROPY), input, ClipRestoration.Job.restore().withFaces(FaceMode.ALIGNED), Progress.NONE);
        assertNotNull(r.uncertainty());
        assertEquals(70, r.uncertainty().getWidth());
        assertEquals(2, r.uncertainty().getStackSize());
        assertEquals(32, r.uncertainty().getBitDepth());
        float v = r.uncertainty().getStack().getProcessor(1).getf(10, 10);
        assertTrue(v > 0 && v <= Math.log(64) + 1e-4, "entropy within (0, log N]: " + v);
    }
}
