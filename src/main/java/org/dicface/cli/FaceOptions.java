package org.dicface.cli;

import java.io.IOException;
import java.nio.file.Path;

import org.dicface.face.TrackerOptions;
import org.dicface.face.TracksJson;
import org.dicface.pipeline.FaceMode;
import org.dicface.pipeline.Faces;
import picocli.CommandLine.Option;

/** How the batch commands find faces (a picocli mixin); parsed by {@link Faces#parse}, as in Fiji. */
final class FaceOptions {
    @Option(names = "--faces", defaultValue = "auto", description = "all (every face of an ordinary video, found, tracked,"
            + " restored in place), largest (the largest face of each shot), aligned (the frames are aligned face crops,"
            + " restored whole) or auto: aligned for square frames of the model's size, else all (default: ${DEFAULT-VALUE})")
    String faces;

    @Option(names = "--tracks", description = "face tracks found earlier (dicface faces), used instead of finding them again")
    Path tracks;

    @Option(names = "--min-face", description = "smallest face followed, its box's shorter side in pixels (default: ${DEFAULT-VALUE})")
    double minFace = TrackerOptions.DEFAULT.minFaceSize();

    Faces parse() throws IOException {
        FaceMode.parse(faces);  // a wrong mode is named before the tracks file is read
        return Faces.parse(faces, minFace, tracks == null ? null : TracksJson.read(tracks));
    }
}
