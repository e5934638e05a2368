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
        ((TextField) field(gd, "Weights", TextField.class)).setText(args[1]);
        ((java.awt.Choice) field(gd, "Configuration", java.awt.Choice.class)).select("file");
        ((TextField) field(gd, "Configuration file", TextField.class)).setText(args[2]);
        ((java.awt.Choice) field(gd, "Sampling", java.awt.Choice.class)).select("mean");
        ((java.awt.Choice) field(gd, "Device", java.awt.Choice.class)).select("cpu");
        IJ.wait(500);
        Rectangle r = gd.getBounds();
        javax.imageio.ImageIO.write(new Robot().createScreenCapture(r), "png", out.resolve("dialog.png").toFile());
        // on the event thread, as a click: an action performed from this thread races with the dialog's own closing on the event
        // thread, which resets GenericDialog's field counters while the command reads its values
        click(gd, gd.getButtons()[0]);
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
        dialogs(out.resolve("dialogs"));
        System.exit(0);
    }

    /** Presses a dialog button as a click does: its action on the event thread. */
    private static void click(GenericDialog gd, Button button) throws Exception {
        java.awt.EventQueue.invokeAndWait(() -> gd.actionPerformed(new ActionEvent(button, ActionEvent.ACTION_PERFORMED, button.getLabel())));
    }

    /** The component of the field whose label reads {@code label}: the first of its kind after the label. */
    private static java.awt.Component field(GenericDialog gd, String label, Class<?> kind) {
        java.awt.Component[] parts = gd.getComponents();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] instanceof java.awt.Label l && l.getText().equals(label)) {
                for (int k = i + 1; k < parts.length; k++) {
                    java.awt.Component c = parts[k] instanceof java.awt.Panel p && p.getComponentCount() > 0 ? p.getComponent(0) : parts[k];
                    if (kind.isInstance(c)) {
                        return c;
                    }
                }
            }
        }
        throw new IllegalStateException("no field labelled '" + label + "'");
    }

    /** Presses the Browse button of Evaluate Clip's table field: a Save dialog must open (its kind is written down). */
    private static void saveDialogOf(GenericDialog gd, Path folder) throws Exception {
        java.awt.Container row = ((TextField) field(gd, "Table (CSV)", TextField.class)).getParent();
        Button browse = null;
        for (java.awt.Component c : row.getComponents()) {
            if (c instanceof Button b) {
                browse = b;
            }
        }
        Button pressed = browse;
        new Thread(() -> {
            for (java.awt.event.ActionListener l : pressed.getActionListeners()) {
                l.actionPerformed(new ActionEvent(pressed, ActionEvent.ACTION_PERFORMED, pressed.getLabel()));
            }
        }, "browse").start();
        String kind = "none";
        for (int i = 0; i < 100 && kind.equals("none"); i++) {
            IJ.wait(100);
            for (Window w : Window.getWindows()) {
                if (w.isShowing() && w instanceof java.awt.FileDialog f) {
                    kind = f.getMode() == java.awt.FileDialog.SAVE ? "save" : "open";
                    f.setVisible(false);
                } else if (w.isShowing() && w instanceof javax.swing.JDialog d
                        && d.getContentPane().getComponentCount() > 0 && d.getContentPane().getComponent(0) instanceof javax.swing.JFileChooser fc) {
                    kind = fc.getDialogType() == javax.swing.JFileChooser.SAVE_DIALOG ? "save" : "open";
                    fc.cancelSelection();
                }
            }
        }
        Files.writeString(folder.resolve("evaluate-browse.txt"), kind);
    }

    /** A screenshot of every menu command's dialog (plugins.config's order), each cancelled after. */
    private static void dialogs(Path folder) throws Exception {
        Files.createDirectories(folder);
        for (String line : Files.readAllLines(Path.of("target", "classes", "plugins.config"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]+)\", .*DicFacePlugin\\(\"([^\"]+)\"\\)").matcher(line);
            if (!m.find()) {
                continue;
            }
            IJ.doCommand(m.group(1));
            GenericDialog gd = null;
            for (int i = 0; i < 300 && gd == null; i++) {
                IJ.wait(100);
                for (Window w : Window.getWindows()) {
                    if (w instanceof GenericDialog d && d.isShowing() && d.getTitle().equals(m.group(1))) {
                        gd = d;
                    }
                }
            }
            if (gd == null) {
                Files.writeString(folder.resolve(m.group(2) + ".txt"), "no dialog");
                continue;
            }
            IJ.wait(300);
            javax.imageio.ImageIO.write(new Robot().createScreenCapture(gd.getBounds()), "png", folder.resolve(m.group(2) + ".png").toFile());
            if (m.group(2).equals("evaluate")) {
                saveDialogOf(gd, folder);
            }
            click(gd, gd.getButtons()[1]);
            for (int i = 0; i < 50 && gd.isShowing(); i++) {
                IJ.wait(100);
            }
        }
    }
}
