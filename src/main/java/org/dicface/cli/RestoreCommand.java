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

    @Option(names = "--feather", defaultValue = "16", description = "blend width at the region's edge in pixels")
    int feather;

    @Option(names = "--color-fix", description = "shift each output frame's red, green and blue means to the input's:"
            + " removes a colour cast (not official)")
    boolean colorFix;

    @Override
    Task task() {
        return Task.RESTORE;
    }

    @Override
    ClipRestoration.Job job(ImagePlus clip) {
        Rectangle r = null;
        if (region != null) {
            String[] p = region.split(",");
            if (p.length != 4) {
                throw new IllegalArgumentException("--region takes x,y,width,height, got '" + region + "'");
            }
            r = new Rectangle(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()),
                    Integer.parseInt(p[3].trim()));
        }
        return new ClipRestoration.Job(task(), r, null, !modelSize, false, feather, colorFix);
    }
}
