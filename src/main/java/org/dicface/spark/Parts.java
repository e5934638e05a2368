package org.dicface.spark;

import java.nio.file.Path;

import org.dicface.pipeline.Batch;
import org.dicface.pipeline.FrameRange;
import org.dicface.pipeline.Outputs;

/**
 * Where the segments of an input are written before they are joined: a folder {@code .dicface-parts/<output name>} in
 * the output folder (on the filesystem all machines share), one set of {@link Outputs} per segment, and the input's
 * face tracks when they are found for it. The folder goes once the joined outputs are complete.
 */
final class Parts {
    static final String FOLDER = ".dicface-parts";

    private Parts() {
    }

    /** The outputs of the whole input. */
    static Outputs whole(Batch.Request r, Path input) {
        return r.outputs(input, r.outputDir(), FrameRange.ALL);
    }

    static Path folder(Batch.Request r, Path input) {
        Path clip = whole(r, input).clip();
        return clip.resolveSibling(FOLDER).resolve(clip.getFileName().toString());
    }

    /** The outputs of one segment. */
    static Outputs of(Batch.Request r, Path input, FrameRange frames) {
        return r.outputs(input, folder(r, input), frames);
    }

    /** The face tracks of the whole input, found once and used by every segment. */
    static Path tracks(Batch.Request r, Path input) {
        return folder(r, input).resolve("tracks.json");
    }
}
