package org.dicface.imagej;

import org.scijava.Cancelable;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

/**
 * Base of the DicFace commands: a problem ends the command with one logged message (its cancel reason, which
 * Fiji shows), never a stack trace; {@link #cancel} also stops a running restoration.
 */
abstract class CancelableCommand implements Command, Cancelable {
    @Parameter
    LogService log;

    private volatile String cancelReason;

    /** The command's work; any exception becomes the cancel reason. */
    abstract void execute() throws Exception;

    abstract String title();

    @Override
    public final void run() {
        try {
            execute();
        } catch (org.dicface.pipeline.CancelledException e) {
            cancel(e.getMessage());
        } catch (Exception e) {
            String message = "DicFace " + title() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
            log.error(message);
            cancel(message);
        }
    }

    /**
     * Shows progress in ImageJ's status bar (the menu runs commands in a context of their own) with {@code status};
     * Esc stops the command, as plain ImageJ's commands stop (the cancel reason says after how much of
     * {@code unit}). False once cancelled.
     */
    boolean progressed(int done, int total, String status, String unit) {
        ij.IJ.showProgress(done, total);
        ij.IJ.showStatus(status);
        if (ij.IJ.escapePressed()) {
            ij.IJ.resetEscape();
            cancel("cancelled with Esc after " + done + " of " + total + " " + unit);
        }
        return !isCanceled();
    }

    /** What the command did, for SciJava's log and ImageJ's Log window. */
    void report(String line) {
        log.info(line);
        ij.IJ.log(line);
    }

    @Override
    public boolean isCanceled() {
        return cancelReason != null;
    }

    @Override
    public void cancel(String reason) {
        cancelReason = reason == null ? "cancelled" : reason;
    }

    @Override
    public String getCancelReason() {
        return cancelReason;
    }
}
