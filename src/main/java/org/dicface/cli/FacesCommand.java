package org.dicface.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import ij.ImagePlus;
import org.dicface.face.FaceTracks;
import org.dicface.face.Track;
import org.dicface.face.TracksJson;
import org.dicface.pipeline.FaceAnalysis;
import org.dicface.pipeline.Faces;
import org.dicface.pipeline.RunOptions;
import org.dicface.torch.Device;
import org.dicface.torch.Torch;
import org.dicface.video.ClipFiles;
import org.dicface.video.StackSource;
import org.dicface.video.VideoFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicface faces INPUT -o tracks.json}: finds and tracks every face of a video, image folder or TIFF stack
 * (detection, landmarks, tracks within shots, smoothing) and writes the tracks, to check them before restoring
 * or to restore with them ({@code --tracks}).
 */
@Command(name = "faces", mixinStandardHelpOptions = true,
        description = "Find and track the faces of a video, image folder or TIFF stack; write tracks.json.")
final class FacesCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "a video file, an image folder or a TIFF stack")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, description = "the tracks to write (JSON)")
    Path output;

    @Option(names = "--faces", defaultValue = "all", description = "all, or largest (the largest face of each shot) (default: ${DEFAULT-VALUE})")
    String faces;

    @Option(names = "--min-face", description = "smallest face followed, its box's shorter side in pixels (default: ${DEFAULT-VALUE})")
    double minFace = org.dicface.face.TrackerOptions.DEFAULT.minFaceSize();

    @Option(names = "--device", defaultValue = RunOptions.DEVICE, description = "auto (CUDA when there is one), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--overwrite", description = "replace an existing tracks file")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Faces chosen = Faces.parse(faces, minFace, null);
        Device dev = Device.parse(device);
        if (Files.exists(output) && Files.isSameFile(output, input)) {
            throw new IllegalArgumentException(output + " is the input: write the tracks to another file");
        }
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException(output + " exists: give --overwrite to replace it, or another name");
        }
        Torch.init();
        ImagePlus clip = ClipFiles.open(input, true);
        FaceTracks tracks;
        try {
            TaskCommand.ConsoleProgress bar = new TaskCommand.ConsoleProgress();
            bar.started(input, 0, 1);
            tracks = FaceAnalysis.find(new StackSource(clip), chosen.mode(), chosen.options(), dev,
                    VideoFiles.frameRate(clip), (done, total) -> bar.frameDone(input, done, total));
        } finally {
            VideoFiles.release(clip);
        }
        TracksJson.write(tracks, output);
        long withFace = tracks.tracks().stream().mapToLong(t -> t.frames().size()).sum();
        System.out.printf("%d frames, %d shots, %d tracks (%d faces in all)%n", tracks.frames(), tracks.shots().size(),
                tracks.tracks().size(), withFace);
        for (Track t : tracks.tracks()) {
            long filled = t.frames().stream().filter(f -> f.interpolated()).count();
            System.out.printf("  track %d: frames %d-%d (%d filled in)%n", t.id(), t.firstFrame(), t.endFrame() - 1, filled);
        }
        System.out.println("tracks: " + output);
        return 0;
    }
}
