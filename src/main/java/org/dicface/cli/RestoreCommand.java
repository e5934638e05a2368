package org.dicface.cli;

import org.dicface.io.Task;
import java.awt.Rectangle;

import ij.ImagePlus;
import org.dicface.pipeline.ClipRestoration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dicface restore}: blind face restoration of aligned face clips, or of one face region of larger frames. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore face clips (blind face restoration).")
final class RestoreCommand extends TaskCommand {
    @Option(names = "--region", description = "x,y,width,height of the face region, restored and pasted back")
    String region;

    @Option(names = "--feather", description = "blend width at the region's edge in pixels (default: ${DEFAULT-VALUE})")
    int feather = ClipRestoration.Job.DEFAULT_FEATHER;

    @Option(names = "--color-fix", description = "shift each output frame's red, green and blue means to the input's:"
            + " removes a colour cast (not official)")
    boolean colorFix;

    /** x,y,width,height: whole numbers, x and y at least 0, width and height at least 1. */
    static Rectangle region(String text) {
        String[] p = text.split(",", -1);
        int[] v = new int[4];
        try {
            if (p.length != 4) {
                throw new NumberFormatException();
            }
            for (int i = 0; i < 4; i++) {
                v[i] = Integer.parseInt(p[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--region takes x,y,width,height in whole pixels, got '" + text + "'");
        }
        if (v[0] < 0 || v[1] < 0 || v[2] < 1 || v[3] < 1) {
            throw new IllegalArgumentException("--region " + text + ": x and y must be 0 or more, width and height 1 or more");
        }
        return new Rectangle(v[0], v[1], v[2], v[3]);
    }

    @Override
    Task task() {
        return Task.RESTORE;
    }

    @Override
    void checkOptions() {
        job(null).withFaces(faces);  // the job does not depend on the clip
    }

    @Override
    ClipRestoration.Job job(ImagePlus clip) {
        Rectangle r = region == null ? null : region(region);
        return ClipRestoration.Job.restore().withRegion(r).withKeepSize(!modelSize).withFeather(feather).withColorFix(colorFix);
    }
}
