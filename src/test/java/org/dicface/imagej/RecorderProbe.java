package org.dicface.imagej;

import java.awt.Button;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.nio.file.Files;
import java.nio.file.Path;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;

/**
 * Run by {@link PlainImageJTest} in plain ImageJ under Xvfb: opens Restore Faces from the menu command with
 * the macro recorder on, fills the dialog, takes a screenshot of it, presses OK, then writes the recorder's
 * text and a screenshot of the result. Arguments: output folder, weights, config.
 */
public final class RecorderProbe {
    private RecorderProbe() {
    }

    public static void main(String[] args) {
        try {
            probe(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);  // ImageJ's windows would keep the JVM alive
        }
    }

    private static void probe(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        new ImageJ();
        ImagePlus clip = IJ.createImage("clip", "RGB ramp", 96, 80, 3);
        clip.setDimensions(1, 1, 3);
        clip.show();
        IJ.wait(500);
        Recorder recorder = new Recorder();
        IJ.doCommand("Restore Faces...");  // as a menu click: on its own thread, and recorded
        GenericDialog gd = null;
        for (int i = 0; i < 600 && gd == null; i++) {  // up to 60 s: a loaded machine starts slowly
            IJ.wait(100);
            for (Window w : Window.getWindows()) {
                if (w instanceof GenericDialog d && d.isShowing()) {
                    gd = d;
                }
            }
        }
        if (gd == null) {
            throw new IllegalStateException("no dialog appeared");
        }
        StringBuilder labels = new StringBuilder();
        for (java.awt.Component c : gd.getComponents()) {
            if (c instanceof java.awt.Label l) {
                labels.append(l.getText()).append('\n');
            } else if (c instanceof java.awt.Checkbox b) {
                labels.append(b.getLabel()).append('\n');
            }
        }
        Files.writeString(out.resolve("labels.txt"), labels);
        var fields = gd.getStringFields();
        ((TextField) fields.get(0)).setText(args[1]);   // weights
        ((TextField) fields.get(1)).setText(args[2]);   // config
        ((java.awt.Choice) gd.getChoices().get(1)).select("mean");  // sampling (after the image choice)
        ((java.awt.Choice) gd.getChoices().get(2)).select("cpu");   // device
        IJ.wait(500);
        Rectangle r = gd.getBounds();
        javax.imageio.ImageIO.write(new Robot().createScreenCapture(r), "png", out.resolve("dialog.png").toFile());
        Button ok = gd.getButtons()[0];
        gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, ok.getLabel()));
        for (int i = 0; i < 1200 && WindowManager.getImage("clip-restore") == null; i++) {
            IJ.wait(100);
        }
        IJ.wait(1000);
        Files.writeString(out.resolve("recorded.txt"), recorder.getText());
        ImagePlus result = WindowManager.getImage("clip-restore");
        if (result == null) {  // say what is on the screen instead: an error dialog's title, other images
            for (Window w : Window.getWindows()) {
                if (w.isShowing()) {
                    System.out.println("showing: " + w.getClass().getSimpleName() + " "
                            + (w instanceof java.awt.Dialog d ? d.getTitle() : w instanceof java.awt.Frame f ? f.getTitle() : ""));
                }
            }
            throw new IllegalStateException("no result 'clip-restore' within 120 s; images: "
                    + java.util.Arrays.toString(WindowManager.getImageTitles()));
        }
        Files.writeString(out.resolve("result.txt"), result.getTitle() + " " + result.getWidth() + " " + result.getNFrames());
        IJ.saveAsTiff(result, out.resolve("result.tif").toString());
        Rectangle screen = new Rectangle(java.awt.Toolkit.getDefaultToolkit().getScreenSize());
        javax.imageio.ImageIO.write(new Robot().createScreenCapture(screen), "png", out.resolve("result.png").toFile());
        System.exit(0);
    }
}
