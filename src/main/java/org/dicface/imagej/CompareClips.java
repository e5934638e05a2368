package org.dicface.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.dicface.torch.Scope;
import org.dicface.video.StackFrames;
import org.dicface.video.StackSource;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DicFace > Compare Clips...: a before/after view of two clips of the same size and length, as one
 * stack (so one frame slider moves both): side by side, or a split view, the first clip left of the split and
 * the second right of it; with a display the split follows a slider under the frame slider.
 */
@Plugin(type = Command.class, label = "Compare Clips...")  // menu entry: plugins.config (through the Java check)
public final class CompareClips extends CancelableCommand {
    @Parameter(persist = false, label = "Before")
    ImagePlus before;

    @Parameter(persist = false, label = "After")
    ImagePlus after;

    @Parameter(persist = false, label = "View", choices = {"side by side", "split"})
    String view = "side by side";

    @Parameter(persist = false, label = "Split at (% of the width)", min = "0", max = "100", description = "split view: where the"
            + " after clip starts; with a display, a slider moves it")
    int split = 50;

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus comparison;

    @Override
    String title() {
        return "Compare Clips";
    }

    @Override
    void execute() {
        StackSource a = new StackSource(before);
        StackSource b = new StackSource(after);
        if (a.width() != b.width() || a.height() != b.height() || a.frameCount() != b.frameCount()) {
            throw new IllegalArgumentException(before.getTitle() + " is " + a.width() + "x" + a.height() + " with " + a.frameCount()
                    + " frames, " + after.getTitle() + " " + b.width() + "x" + b.height() + " with " + b.frameCount()
                    + ": compare clips of the same size and length");
        }
        if (split < 0 || split > 100) {
            throw new IllegalArgumentException("the split must be from 0 to 100 % of the width, got " + split);
        }
        boolean sideBySide = view.equals("side by side");
        String name = before.getShortTitle() + (sideBySide ? " | " : " / ") + after.getShortTitle();
        ImageStack stack = new ImageStack(sideBySide ? 2 * a.width() : a.width(), a.height());
        ColorProcessor[] left = new ColorProcessor[a.frameCount()];
        ColorProcessor[] right = new ColorProcessor[a.frameCount()];
        for (int i = 0; i < a.frameCount(); i++) {
            try (Scope scope = Scope.open()) {
                left[i] = StackFrames.toRgb(a.frame(i));
                right[i] = StackFrames.toRgb(b.frame(i));
            }
            stack.addSlice("frame " + (i + 1), sideBySide ? sideBySide(left[i], right[i]) : split(left[i], right[i], split));
        }
        comparison = new ImagePlus(name, stack);
        comparison.setDimensions(1, 1, stack.getSize());
        comparison.setCalibration(before.getCalibration().copy());
        if (!sideBySide && !java.awt.GraphicsEnvironment.isHeadless()) {
            SplitSlider.attach(comparison, left, right, split);
        }
    }

    static ColorProcessor sideBySide(ColorProcessor a, ColorProcessor b) {
        ColorProcessor both = new ColorProcessor(a.getWidth() + b.getWidth(), a.getHeight());
        both.insert(a, 0, 0);
        both.insert(b, a.getWidth(), 0);
        return both;
    }

    /** Columns left of {@code percent} of the width from {@code a}, the others from {@code b}. */
    static ColorProcessor split(ColorProcessor a, ColorProcessor b, int percent) {
        int w = a.getWidth();
        int at = (int) Math.round(w * percent / 100.0);
        int[] pa = (int[]) a.getPixels();
        int[] pb = (int[]) b.getPixels();
        int[] out = new int[pa.length];
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = x < at ? pa[y * w + x] : pb[y * w + x];
            }
        }
        return new ColorProcessor(w, a.getHeight(), out);
    }

    /** With a display: a slider under the image that moves the split of the frame shown (and of every frame). */
    static final class SplitSlider {
        private SplitSlider() {
        }

        static void attach(ImagePlus view, ColorProcessor[] left, ColorProcessor[] right, int initial) {
            view.show();
            ij.gui.ImageWindow window = view.getWindow();
            if (window == null) {
                return;
            }
            java.awt.Scrollbar slider = new java.awt.Scrollbar(java.awt.Scrollbar.HORIZONTAL, initial, 1, 0, 101);
            slider.addAdjustmentListener(e -> {
                ImageStack stack = view.getStack();
                for (int i = 0; i < left.length; i++) {
                    ImageProcessor frame = split(left[i], right[i], slider.getValue());
                    stack.setPixels(frame.getPixels(), i + 1);
                }
                view.setStack(stack);
                view.updateAndDraw();
            });
            window.add(slider);
            window.pack();
        }
    }
}
