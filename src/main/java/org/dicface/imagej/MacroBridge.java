package org.dicface.imagej;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import org.scijava.Context;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

/**
 * Runs the DicFace SciJava commands from the ImageJ menu (Fiji and plain ImageJ 1.x alike, entered through
 * plugins.config and the Java check): a GenericDialog is built from the command's inputs, with the input names
 * as keys, so that the macro recorder records {@code run("Restore Faces...", "sampling=mean seed=0 ...")} and
 * macros replay it; without a display (Fiji --headless) the values come straight from the macro options.
 * Outputs are shown (or logged), problems reported in one line.
 */
public final class MacroBridge {
    /** The argument of each plugins.config entry and the command it runs. */
    static final Map<String, Class<? extends Command>> COMMANDS = Map.ofEntries(
            Map.entry("restore", RestoreFaces.class), Map.entry("inpaint", InpaintFaces.class),
            Map.entry("colorize", ColorizeFaces.class), Map.entry("codebook", CodebookInspector.class),
            Map.entry("models", ModelManager.class), Map.entry("open-video", OpenVideo.class),
            Map.entry("save-video", SaveAsVideo.class), Map.entry("evaluate", EvaluateClip.class),
            Map.entry("train", TrainDicFace.class), Map.entry("detect-faces", DetectFaces.class),
            Map.entry("preview", PreviewRestore.class), Map.entry("compare", CompareClips.class),
            Map.entry("batch", BatchRestore.class));
    private static Context context;

    private MacroBridge() {
    }

    private static synchronized CommandService commands() {
        if (context == null) {
            Thread t = Thread.currentThread();
            ClassLoader saved = t.getContextClassLoader();
            t.setContextClassLoader(MacroBridge.class.getClassLoader());  // ImageJ's plugin loader holds our plugin index
            try {
                context = new Context();
            } finally {
                t.setContextClassLoader(saved);
            }
        }
        return context.service(CommandService.class);
    }

    public static void run(String arg) throws Exception {
        Class<? extends Command> type = COMMANDS.get(arg);
        if (type == null) {
            throw new IllegalArgumentException("unknown DicFace command '" + arg + "'");
        }
        CommandService service = commands();
        CommandInfo info = service.getCommand(type);
        boolean needsImage = java.util.stream.StreamSupport.stream(info.inputs().spliterator(), false)
                .anyMatch(i -> i.getType() == ImagePlus.class && i.isRequired());
        if (needsImage && WindowManager.getCurrentImage() == null && WindowManager.getImageCount() == 0) {
            IJ.noImage();  // ImageJ's own message, before any dialog
            return;
        }
        Map<String, Object> inputs = ask(info);
        if (inputs == null) {
            return;  // dialog cancelled
        }
        CommandModule module = service.run(info, true, inputs).get();
        if (module.getCancelReason() != null) {
            throw new IllegalArgumentException(module.getCancelReason());
        }
        for (ModuleItem<?> out : info.outputs()) {
            Object value = module.getOutput(out.getName());
            if (value instanceof ImagePlus imp) {
                if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null) {
                    WindowManager.setTempCurrentImage(imp);
                } else if (imp.getWindow() == null) {  // the live plot of Train is shown already
                    imp.show();
                }
            } else if (value instanceof String text) {
                IJ.log(text);
            } else if (value instanceof ij.measure.ResultsTable table) {
                table.show(out.getLabel());  // the output's label is the table's title; headless: printed
            }
        }
    }

    /** The command's inputs from a dialog (or, headless, from the macro options); null when cancelled. */
    private static Map<String, Object> ask(CommandInfo info) {
        List<ModuleItem<?>> items = new ArrayList<>();
        for (ModuleItem<?> item : info.inputs()) {
            Class<?> t = item.getType();
            boolean service = org.scijava.service.Service.class.isAssignableFrom(t) || t.getName().startsWith("org.scijava.");
            if (!service && item.getIOType() != ItemIO.OUTPUT && item.getVisibility() != ItemVisibility.MESSAGE) {
                items.add(item);
            }
        }
        // the images first, then the inputs in their order (inherited ones come first in SciJava's)
        items.sort(java.util.Comparator.comparing(i -> i.getType() != ImagePlus.class));
        String options = Macro.getOptions();
        boolean headless = GraphicsEnvironment.isHeadless();
        Map<String, Object> values = new LinkedHashMap<>();
        if (headless) {
            for (ModuleItem<?> item : items) {
                values.put(item.getName(), fromText(item, options == null ? defaultText(item) : macroValue(options, item)));
            }
            return values;
        }
        GenericDialog gd = new GenericDialog(info.getTitle());
        boolean macro = options != null;  // a macro fills the dialog: documented defaults, nothing remembered
        for (ModuleItem<?> item : items) {
            String name = item.getName();
            Class<?> t = item.getType();
            String initial = macro ? defaultText(item) : ij.Prefs.get(prefsKey(info, item), defaultText(item));
            if (t == ImagePlus.class) {
                String[] titles = imageTitles(!item.isRequired());
                gd.addChoice(name, titles, titles.length > 0 ? titles[0] : "");
            } else if (t == boolean.class || t == Boolean.class) {
                gd.addCheckbox(name, Boolean.parseBoolean(initial));
            } else if (item.getChoices() != null && !item.getChoices().isEmpty()) {
                List<String> choices = item.getChoices().stream().map(String::valueOf).toList();
                if (name.equals("device")) {
                    choices = deviceChoices(choices, cudaDevices());
                }
                gd.addChoice(name, choices.toArray(String[]::new), initial);
            } else if (numberField(item)) {
                double v = Double.parseDouble(initial);
                int digits = digits(t, v);
                gd.addNumericField(name, v, digits, digits < 0 ? 10 : 6, null);  // room for 5.000E-5
            } else if ("directory".equals(item.getWidgetStyle())) {
                gd.addDirectoryField(name, initial, 30);
            } else if ("save".equals(item.getWidgetStyle())) {
                addSaveField(gd, name, label(item), initial);
            } else if (t == File.class || "open".equals(item.getWidgetStyle())) {
                gd.addFileField(name, initial, 30);  // a text field with a Browse button (an Open dialog)
            } else {
                gd.addStringField(name, initial, 30);  // text, and optional numbers (empty: the default)
            }
            describe(gd, item);
        }
        gd.addHelp(help(info, items));
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        for (ModuleItem<?> item : items) {
            Class<?> t = item.getType();
            String text;
            if (t == ImagePlus.class || item.getChoices() != null && !item.getChoices().isEmpty()) {
                text = gd.getNextChoice();
            } else if (t == boolean.class || t == Boolean.class) {
                text = Boolean.toString(gd.getNextBoolean());
            } else if (numberField(item)) {
                double v = gd.getNextNumber();
                checkRange(item, v);
                text = Double.toString(v);
            } else {
                text = gd.getNextString();
            }
            values.put(item.getName(), fromText(item, text));
            if (!macro && t != ImagePlus.class) {
                ij.Prefs.set(prefsKey(info, item), text);  // remembered for this dialog only, never for scripts
            }
        }
        return values;
    }

    /**
     * A path field whose Browse button opens a Save dialog (GenericDialog's file field opens an Open dialog, which
     * refuses a file that does not exist yet).
     */
    private static void addSaveField(GenericDialog gd, String name, String label, String initial) {
        gd.addFileField(name, initial, 30);  // its text field is recorded; its Browse button is given a Save dialog
        java.awt.TextField field = (java.awt.TextField) gd.getStringFields().lastElement();
        for (java.awt.Component c : field.getParent().getComponents()) {
            if (c instanceof java.awt.Button browse) {
                for (java.awt.event.ActionListener l : browse.getActionListeners()) {
                    browse.removeActionListener(l);
                }
                browse.addActionListener(e -> {
                    File current = new File(field.getText().trim());
                    ij.io.SaveDialog sd = new ij.io.SaveDialog(label, current.getParent(), current.getName(), "");
                    if (sd.getFileName() != null) {
                        field.setText(new File(sd.getDirectory(), sd.getFileName()).getPath());
                    }
                });
            }
        }
    }

    /** The declared device choices, then each CUDA device by index ("cuda:0", "cuda:1", ...). */
    static List<String> deviceChoices(List<String> declared, long cudaDevices) {
        List<String> all = new ArrayList<>(declared);
        for (long i = 0; i < cudaDevices; i++) {
            if (!all.contains("cuda:" + i)) {
                all.add("cuda:" + i);
            }
        }
        return all;
    }

    /**
     * How many CUDA devices libtorch sees, once it is loaded (the first command run loads it; the dialog does not,
     * since libtorch's thread settings belong to the thread that loads it): until then 0, and "cuda" is device 0.
     */
    private static long cudaDevices() {
        return org.dicface.torch.Torch.initialized() ? org.dicface.torch.Torch.cudaDeviceCount() : 0;
    }

    /** The label the command gives an input, else its name. */
    private static String label(ModuleItem<?> item) {
        return item.getLabel() == null || item.getLabel().isBlank() ? item.getName() : item.getLabel();
    }

    /** A number in a numeric field; an optional Double is a text field instead, empty meaning the command's choice. */
    private static boolean numberField(ModuleItem<?> item) {
        Class<?> t = item.getType();
        return Number.class.isAssignableFrom(box(t)) && !(t == Double.class && !item.isRequired());
    }

    private static String prefsKey(CommandInfo info, ModuleItem<?> item) {
        return "dicface." + info.getClassName().substring(info.getClassName().lastIndexOf('.') + 1) + "." + item.getName();
    }

    /** Decimals shown: none for whole numbers, scientific notation for small ones (a learning rate of 5e-5). */
    private static int digits(Class<?> t, double v) {
        if (box(t) == Integer.class || box(t) == Long.class) {
            return 0;
        }
        return v != 0 && Math.abs(v) < 0.01 ? -2 : 3;
    }

    /**
     * The item's label and description as the user reads them: GenericDialog records a field under its label's
     * first word, so the field is added under the input's name (the macro key) and its label's text is then
     * replaced by the command's label. (AWT has no tooltips: the descriptions are on the Help page.)
     */
    private static void describe(GenericDialog gd, ModuleItem<?> item) {
        String label = label(item);
        java.awt.Component[] parts = gd.getComponents();
        for (int i = parts.length - 1; i >= 0; i--) {
            if (parts[i] instanceof java.awt.Checkbox box) {
                box.setLabel(label);
                return;
            }
            if (parts[i] instanceof java.awt.Label l) {
                l.setText(label);
                return;
            }
        }
    }

    /** Refuses a number outside the input's min and max, naming both. */
    private static void checkRange(ModuleItem<?> item, double v) {
        Object min = item.getMinimumValue();
        Object max = item.getMaximumValue();
        String label = label(item);
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException(label + ": not a number");
        }
        if (min instanceof Number m && v < m.doubleValue()) {
            throw new IllegalArgumentException(label + " must be at least " + m + ", got " + v);
        }
        if (max instanceof Number m && v > m.doubleValue()) {
            throw new IllegalArgumentException(label + " must be at most " + m + ", got " + v);
        }
    }

    /** The Help button's page: every field's label, macro key and description. */
    private static String help(CommandInfo info, List<ModuleItem<?>> items) {
        StringBuilder sb = new StringBuilder("<html><h2>").append(info.getTitle()).append("</h2><dl>");
        for (ModuleItem<?> item : items) {
            sb.append("<dt><b>").append(label(item)).append("</b> (macro key <tt>")
                    .append(item.getName()).append("</tt>)</dt><dd>")
                    .append(item.getDescription() == null ? "" : item.getDescription()).append("</dd>");
        }
        return sb.append("</dl><p>The README of DicFace for Fiji, section \"In Fiji or ImageJ\", explains the commands.</p></html>")
                .toString();
    }

    /**
     * An input's value in a macro's options, read as GenericDialog reads it with a display: a checkbox is ticked
     * when its key is there (bare, as the recorder writes it, or {@code key=true}) and unticked when it is left
     * out; any other input left out takes the command's documented default.
     */
    static String macroValue(String options, ModuleItem<?> item) {
        String name = item.getName();
        Class<?> t = item.getType();
        if (t == boolean.class || t == Boolean.class) {
            String given = Macro.getValue(options, name, null);
            if (given != null) {
                return given;
            }
            String words = options.replaceAll("\\[[^\\]]*\\]", " ");  // not inside bracketed values
            return Boolean.toString(java.util.Arrays.asList(words.trim().split("\\s+")).contains(name));
        }
        return Macro.getValue(options, name, defaultText(item));
    }

    private static String[] imageTitles(boolean withNone) {
        List<String> titles = new ArrayList<>();
        if (withNone) {
            titles.add("none");
        }
        int[] ids = WindowManager.getIDList();
        ImagePlus current = WindowManager.getCurrentImage();
        if (current != null) {
            titles.add(withNone ? titles.size() : 0, current.getTitle());
        }
        if (ids != null) {
            for (int id : ids) {
                String title = WindowManager.getImage(id).getTitle();
                if (!titles.contains(title)) {
                    titles.add(title);
                }
            }
        }
        return titles.toArray(String[]::new);
    }

    private static String defaultText(ModuleItem<?> item) {
        Object v = item.getDefaultValue();
        if (v == null) {
            Class<?> t = item.getType();
            return t == boolean.class ? "false" : numberField(item) ? "0" : "";  // an optional number: empty
        }
        return v instanceof File f ? f.getPath() : String.valueOf(v);
    }

    private static Class<?> box(Class<?> t) {
        return t == int.class ? Integer.class : t == long.class ? Long.class : t == double.class ? Double.class
                : t == float.class ? Float.class : t;
    }

    private static Object fromText(ModuleItem<?> item, String text) {
        Class<?> t = box(item.getType());
        String v = text == null ? "" : text.trim();
        if (t == ImagePlus.class) {
            if (v.isEmpty() || v.equals("none")) {
                return item.isRequired() ? WindowManager.getCurrentImage() : null;
            }
            ImagePlus current = WindowManager.getCurrentImage();  // includes a macro's temporary current image
            ImagePlus imp = current != null && current.getTitle().equals(v) ? current : WindowManager.getImage(v);
            if (imp == null) {
                throw new IllegalArgumentException("there is no image '" + v + "'");
            }
            return imp;
        }
        if (t == Boolean.class) {
            return Boolean.parseBoolean(v);
        }
        if (t == Integer.class) {
            return (int) Double.parseDouble(v);
        }
        if (t == Long.class) {
            return (long) Double.parseDouble(v);
        }
        if (t == Double.class) {
            if (v.isEmpty() && !item.isRequired()) {
                return null;
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(label(item)
                        + ": '" + v + "' is not a number");
            }
        }
        if (t == File.class) {
            return v.isEmpty() ? null : new File(v);
        }
        return v;
    }
}
