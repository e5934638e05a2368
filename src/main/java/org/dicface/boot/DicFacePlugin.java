package org.dicface.boot;

import java.awt.GraphicsEnvironment;
import java.lang.reflect.InvocationTargetException;

import ij.IJ;
import ij.plugin.PlugIn;

/**
 * The ImageJ 1.x entry of every DicFace command (plugins.config names it with the command as argument).
 * Compiled for Java 8 like {@link JavaVersionCheck}: on a Java older than 22 it shows what to do instead of
 * failing with UnsupportedClassVersionError; otherwise it hands over to the macro bridge, compiled for 25.
 */
public final class DicFacePlugin implements PlugIn {
    @Override
    public void run(String arg) {
        String problem = JavaVersionCheck.problem();
        if (problem != null) {
            report(problem);
            return;
        }
        try {
            Class.forName("org.dicface.imagej.MacroBridge").getMethod("run", String.class).invoke(null, arg);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            report(message.startsWith("DicFace") ? message : "DicFace: " + message);  // one prefix, not two
        } catch (ReflectiveOperationException | LinkageError e) {
            report("DicFace could not start (" + e + "). Reinstall the plugin (its jar and its lib folder).");
        }
    }

    private static void report(String message) {
        if (GraphicsEnvironment.isHeadless() || IJ.isMacro() && IJ.getInstance() == null) {
            IJ.log(message);
        } else {
            IJ.error("DicFace", wrap(message, 80));
        }
    }

    /** The message broken into lines of at most about {@code width} characters, at spaces: dialogs do not wrap. */
    static String wrap(String message, int width) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : message.split(" ")) {
            if (column > 0 && column + 1 + word.length() > width) {
                out.append('\n');
                column = 0;
            } else if (column > 0) {
                out.append(' ');
                column++;
            }
            out.append(word);
            int newline = word.lastIndexOf('\n');
            column = newline >= 0 ? word.length() - newline - 1 : column + word.length();
        }
        return out.toString();
    }
}
