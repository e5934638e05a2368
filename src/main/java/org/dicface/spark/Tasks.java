package org.dicface.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ij.ImagePlus;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.dicface.cli.DicFaceCli;
import org.dicface.face.TracksJson;
import org.dicface.io.CheckpointException;
import org.dicface.pipeline.Batch;
import org.dicface.pipeline.ClipRestoration;
import org.dicface.pipeline.FaceAnalysis;
import org.dicface.pipeline.FaceMode;
import org.dicface.pipeline.Outputs;
import org.dicface.pipeline.Progress;
import org.dicface.pipeline.StreamingRestorer;
import org.dicface.torch.Device;
import org.dicface.torch.NativeLibraryException;
import org.dicface.torch.TorchException;
import org.dicface.video.ClipFiles;
import org.dicface.video.StackSource;
import org.dicface.video.VideoFiles;

/**
 * What an executor does, given the batch's command line (parsed here exactly as the driver and {@code dicface} parse
 * it): find an input's faces once, or restore one segment into its part files. A problem of the input or the options
 * (a damaged file, a wrong mask) is this unit's outcome, "failed" with the message, and the others go on; anything
 * else (a lost executor, a killed task) fails the Spark task, which the engine runs again. A unit whose files are
 * complete already is skipped, so a run is resumed where it stopped.
 */
final class Tasks {
    /** One unit's outcome: done, skipped (its files were there), or failed with a message. */
    record Result(Segment segment, String status, String error, int frames, double seconds) implements Serializable {
        boolean ok() {
            return !status.equals("failed");
        }
    }

    /** For tests: called after each frame a segment restores, with the segment and the task's attempt (0 first). */
    interface Fault {
        void afterFrame(Segment segment, int attempt, int done);
    }

    static volatile Fault fault;

    private static final Map<List<String>, Batch.Request> REQUESTS = new ConcurrentHashMap<>();

    private Tasks() {
    }

    static Batch.Request request(List<String> command) {
        return REQUESTS.computeIfAbsent(command, c -> {
            try {
                return DicFaceCli.request(c.toArray(String[]::new));
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        });
    }

    /** Whether the input's faces must be found before its segments (an ordinary video, no tracks given). */
    static boolean needsTracks(Batch.Request r, ImagePlus clip, ClipRestoration.Job job) {
        return mode(r, clip, job) != FaceMode.ALIGNED && job.faces().tracks() == null;
    }

    /** How the input's faces are taken, as ClipRestoration resolves it. */
    private static FaceMode mode(Batch.Request r, ImagePlus clip, ClipRestoration.Job job) {
        return job.faces().mode().resolve(clip.getWidth(), clip.getHeight(), r.config().imgSize(), job.region() != null);
    }

    /** Finds the faces of a whole input and stores them for its segments (skipped when stored already). */
    static Result findFaces(List<String> command, int input) {
        Batch.Request r = request(command);
        Path file = r.inputs().get(input);
        Path tracks = Parts.tracks(r, file);
        Segment unit = new Segment(input, org.dicface.pipeline.FrameRange.ALL);
        if (Files.isRegularFile(tracks)) {
            return new Result(unit, "skipped", null, 0, 0);
        }
        long start = System.nanoTime();
        return guarded(unit, () -> {
            ImagePlus clip = ClipFiles.open(file, true);
            try (StackSource frames = StackSource.readingAhead(clip)) {
                ClipRestoration.Job job = r.jobFor().apply(clip);
                Files.createDirectories(tracks.getParent());
                TracksJson.write(FaceAnalysis.find(frames, mode(r, clip, job), job.faces().options(), device(r), VideoFiles.frameRate(clip),
                        Progress.NONE), tracks);
                return new Result(unit, "done", null, frames.frameCount(), (System.nanoTime() - start) / 1e9);
            } finally {
                VideoFiles.release(clip);
            }
        });
    }

    /** Restores one segment into its part files (skipped when they are complete). */
    static Result restore(List<String> command, Segment segment) {
        Batch.Request r = request(command);
        Path file = r.inputs().get(segment.input());
        Outputs parts = Parts.of(r, file, segment.frames());
        if (Batch.complete(parts, segment.frames())) {
            return new Result(segment, "skipped", null, segment.frames().length(), 0);
        }
        int attempt = TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber();
        return guarded(segment, () -> {
            ImagePlus clip = ClipFiles.open(file, true);
            try {
                ClipRestoration.Job job = r.jobFor().apply(clip);
                if (needsTracks(r, clip, job)) {
                    job = job.withFaces(job.faces().withTracks(TracksJson.read(Parts.tracks(r, file))));
                }
                Files.createDirectories(parts.clip().getParent());
                ClipRestoration.Job chosen = job;
                Device device = device(r);
                // the executor's log says where each segment ran (and which GPU the engine gave the task)
                System.err.println("dicface-spark: " + file.getFileName() + " frames " + segment.frames() + " on " + device
                        + ", the task's GPU: " + java.util.Objects.requireNonNullElse(gpuAddress(), "none"));
                StreamingRestorer.Summary s = Models.use(r.config(), r.weights(), device, r.run().precision(), model -> {
                    try {
                        return Batch.restore(model, device, r.run().settings().withFrames(segment.frames()), clip, chosen,
                                parts, Progress.of((done, total) -> {
                                    Fault f = fault;
                                    if (f != null) {
                                        f.afterFrame(segment, attempt, done);
                                    }
                                    return true;
                                }, note -> System.err.println("note: " + file.getFileName() + " " + segment.frames() + ": " + note)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                });
                return new Result(segment, "done", null, s.frames(), s.frames() * s.secondsPerFrame());
            } finally {
                VideoFiles.release(clip);
            }
        });
    }

    private interface Work {
        Result run() throws IOException;
    }

    /** The unit's work; the input's and the options' problems become its outcome (see the class). */
    private static Result guarded(Segment unit, Work work) {
        try {
            return work.run();
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException | CheckpointException
                 | NativeLibraryException | TorchException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            return new Result(unit, "failed", cause.getMessage() == null ? cause.toString() : cause.getMessage(), 0, 0);
        }
    }

    /** The task's GPU when the engine gave it one (spark.task.resource.gpu.amount), else the command line's device. */
    static Device device(Batch.Request r) {
        String gpu = gpuAddress();
        if (gpu != null && r.run().device().type() == Device.Type.CUDA) {
            return Device.parse("cuda:" + gpu);
        }
        return r.run().device();
    }

    /** The address of the GPU the engine gave this task, or null. */
    private static String gpuAddress() {
        TaskContext task = TaskContext.get();
        ResourceInformation gpu = task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
        return gpu != null && gpu.addresses().length > 0 ? gpu.addresses()[0] : null;
    }
}
