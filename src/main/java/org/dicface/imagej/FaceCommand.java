package org.dicface.imagej;

import org.dicface.io.Task;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import ij.ImagePlus;
import org.dicface.pipeline.ClipRestoration;
import org.dicface.pipeline.RunOptions;
import org.dicface.pipeline.Settings;
import org.dicface.model.Precision;
import org.dicface.torch.Device;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.plugin.Parameter;

/**
 * What the three face commands share: the clip, the weights, the sampling control, progress, cancel and the
 * log line. Parameter names are the macro keys (snake_case). Each command only builds its job and calls
 * {@link ClipRestoration}; the input image is never modified, the result is a new image.
 */
abstract class FaceCommand extends ModelCommand {
    @Parameter(persist = false, label = "Clip", description = "the image stack to treat as a clip (time, or z, is the frame axis)")
    ImagePlus image;

    // a path as text, as result_file: an unset File input makes SciJava headless cancel the command silently
    @Parameter(label = "Face tracks (optional)", required = false, persist = false,
            description = "a tracks.json from Detect Faces or dicface faces, used instead of finding the faces again")
    String tracks_file = "";

    @Parameter(label = "Write the result to (for long clips)", required = false, persist = false,
            description = "empty: the result is an image in memory; a .tif file: frames are written there as they are "
                    + "restored and the result opens from it as a virtual stack (a clip of any length)")
    String result_file = "";

    @Parameter(type = ItemIO.OUTPUT)
    ImagePlus result;

    @Parameter(type = ItemIO.OUTPUT, required = false)
    ImagePlus uncertainty_map;

    @Parameter(persist = false, required = false)
    StatusService status;

    /** The output frames restored (a preview restores one). */
    org.dicface.pipeline.FrameRange frames = org.dicface.pipeline.FrameRange.ALL;

    abstract Task task();

    abstract ClipRestoration.Job job();

    /** Called after a successful run, with the model used (for commands that report more). */
    void finished(ClipRestoration.Result r, org.dicface.model.DicFace model) {
    }

    @Override
    String title() {
        return task().id();
    }

    @Override
    void execute() throws IOException {
        RunOptions run = runOptions();
        Path w = weights(task());
        Device dev = run.device();
        Precision prec = run.precision();
        Settings settings = run.settings().withFrames(frames);
        ClipRestoration.Job job = job().withFaces(faces(
                tracks_file == null || tracks_file.isBlank() ? null : org.dicface.face.TracksJson.read(Path.of(tracks_file.trim()))));
        Path file = result_file == null || result_file.isBlank() ? null : resultFile(Path.of(result_file.trim()));
        String configuration = configuration();
        ClipRestoration.Result r = LoadedModel.use(configuration, w, dev, prec, model -> {
            settings.checkFor(model.config());  // before any frame is restored
            ClipRestoration.Result done = file == null ? ClipRestoration.run(model, dev, settings, image, job, progress())
                    : toFile(model, dev, settings, job, file);
            finished(done, model);
            return done;
        });
        result = r.output();
        uncertainty_map = r.uncertainty();
        Provenance.stamp(Provenance.text(task(), w, configuration, settings, prec, dev), result, uncertainty_map);
        String note = org.dicface.video.StackFrames.depthNote(image);
        if (note != null) {
            report("DicFace " + task() + ": " + note);
        }
        report(String.format(Locale.ROOT, "DicFace %s: %s, %d frames, weights %s, sampling %s, seed %d, fidelity %.2f, "
                + "device %s, %s, %.2f s per frame", task(), image.getTitle(), r.summary().frames(), w, settings.sampling().name(),
                seed, fidelity, dev, prec, r.summary().secondsPerFrame()));
    }

    /** Checks a result file before the model is loaded: a TIFF, not the input's own file, in a folder that takes files. */
    private Path resultFile(Path chosen) throws IOException {
        Path file = chosen.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.tiff?") ? chosen
                : chosen.resolveSibling(chosen.getFileName() + ".tif");
        ij.io.FileInfo source = image.getOriginalFileInfo();
        if (source != null && source.directory != null && source.fileName != null) {
            Path input = Path.of(source.directory, source.fileName).toAbsolutePath().normalize();
            for (Path out : new Path[] {file, org.dicface.pipeline.Outputs.uncertaintyFor(file)}) {
                if (out.toAbsolutePath().normalize().equals(input)) {
                    throw new IllegalArgumentException(out + " is the clip's own file: choose another file for the result");
                }
            }
        }
        org.dicface.io.AtomicFile.checkWritable(file.toAbsolutePath().getParent());
        return file;
    }

    /** Streams the result (and the uncertainty map) to TIFF files and opens them as virtual stacks. */
    private ClipRestoration.Result toFile(org.dicface.model.DicFace model, Device dev, Settings settings, ClipRestoration.Job job,
            Path file) {
        Path maps = settings.uncertainty() == Settings.Uncertainty.NONE ? null : org.dicface.pipeline.Outputs.uncertaintyFor(file);
        double fps = org.dicface.video.VideoFiles.frameRate(image);
        try (org.dicface.video.TiffWriter out = new org.dicface.video.TiffWriter(file, fps);
             org.dicface.video.TiffWriter unc = maps == null ? null : new org.dicface.video.TiffWriter(maps, fps)) {
            var summary = ClipRestoration.run(model, dev, settings, image, job, org.dicface.video.FrameSink.rgb(out),
                    unc == null ? null : org.dicface.video.FrameSink.maps(unc), progress());
            out.commit();
            if (unc != null) {
                unc.commit();
            }
            ImagePlus restored = ij.IJ.openVirtual(file.toString());
            restored.setTitle(ClipRestoration.outputTitle(image, job));
            restored.setCalibration(image.getCalibration().copy());
            ImagePlus map = maps == null ? null : ij.IJ.openVirtual(maps.toString());
            return new ClipRestoration.Result(restored, map, summary);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    private org.dicface.pipeline.Progress progress() {
        return org.dicface.pipeline.Progress.of(this::progress, m -> report("DicFace " + task() + ": " + m));
    }

    private boolean progress(int done, int total) {
        String text = "DicFace " + task() + ": frame " + done + " of " + total;
        if (status != null) {
            status.showStatus(done, total, text);
        }
        return progressed(done, total, text, "frames");
    }
}
