package org.dicface.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import ij.ImagePlus;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.dicface.cli.DicFaceCli;
import org.dicface.pipeline.Batch;
import org.dicface.pipeline.FrameRange;
import org.dicface.pipeline.Outputs;
import org.dicface.video.ClipFiles;
import org.dicface.video.StackSource;
import org.dicface.video.VideoFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dicface-spark}: a {@code dicface restore}, {@code inpaint} or {@code colorize} command line run on Apache
 * Spark. The driver checks the batch as {@code dicface} does, cuts long inputs into segments, has the executors find
 * the faces of each ordinary video once (stored, used by all its segments) and restore the segments (each executor
 * loads the model once), then joins each input's segments into the outputs one uninterrupted run writes, bit for bit,
 * and summary.json. Failed tasks are run again by the engine; a run stopped anywhere goes on with {@code --resume}.
 */
@Command(name = "dicface-spark", mixinStandardHelpOptions = true, version = "DicFace for Fiji 0.1.0",
        description = "Run a dicface restore, inpaint or colorize command line on Apache Spark: local[N] on one machine,"
                + " or a cluster through spark-submit.")
public final class SparkRestore implements Callable<Integer> {
    @Option(names = "--master", description = "the Spark master (local[N] on one machine: N tasks at once, each task"
            + " tried up to 4 times); default: spark-submit's, else local[*]")
    String master;

    @Option(names = "--segment-frames", defaultValue = "500", description = "frames per segment of a long input"
            + " (default: ${DEFAULT-VALUE})")
    int segmentFrames;

    @Option(names = "--conf", description = "a Spark setting, key=value (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "restore|inpaint|colorize and its dicface options")
    List<String> command;

    /** One input's plan: its segments, whether its faces are found first, or why it cannot be restored. */
    private record Input(int index, Path path, List<FrameRange> segments, boolean tracks, String error, boolean skipped) {
    }

    @Override
    public Integer call() throws IOException {
        Batch.Request r = DicFaceCli.request(command.toArray(String[]::new));
        if (!r.run().settings().frames().all()) {
            throw new IllegalArgumentException("--frames is what dicface-spark does itself: leave it out (--segment-frames"
                    + " sets the segments' length)");
        }
        if (segmentFrames < 1) {
            throw new IllegalArgumentException("--segment-frames must be 1 or more, got " + segmentFrames);
        }
        List<Outputs> plan = Batch.plan(r);
        List<Input> inputs = inspect(r, plan);
        SparkConf sc = new SparkConf().setAppName("dicface " + r.task().id());
        conf.forEach(sc::set);
        if (master != null) {
            sc.setMaster(retried(master));
        } else if (!sc.contains("spark.master")) {
            sc.setMaster(retried("local[*]"));
        }
        Map<Integer, List<Tasks.Result>> results = new LinkedHashMap<>();
        try {
            run(sc, inputs, results);
        } catch (org.apache.spark.SparkException e) {
            throw new IOException("the Spark job stopped: " + e.getMessage().lines().findFirst().orElse("")
                    + "; the segments finished are kept: run it again with --resume", e);
        }
        List<Batch.Outcome> outcomes = new ArrayList<>();
        for (Input i : inputs) {
            outcomes.add(outcome(r, plan.get(i.index()), i, results.getOrDefault(i.index(), List.of())));
        }
        Path summary = Batch.writeSummary(r, outcomes);
        for (Batch.Outcome o : outcomes) {
            System.out.println(o.status() + "  " + o.input() + (o.output() != null ? "  ->  " + o.output() : "")
                    + (o.error() != null ? "  (" + o.error() + ")" : "") + (o.note() != null ? "  [" + o.note() + "]" : ""));
        }
        System.out.println("summary: " + summary);
        return Batch.failures(outcomes) == 0 ? 0 : 3;
    }

    /**
     * The two stages on the engine: the faces of the videos that need them, then every segment; results by input.
     * A job that fails beyond its retries throws SparkException (undeclared by the Scala API, declared here).
     */
    private void run(SparkConf sc, List<Input> inputs, Map<Integer, List<Tasks.Result>> results) throws org.apache.spark.SparkException {
        try (JavaSparkContext spark = new JavaSparkContext(sc)) {
            // the executors parse the same line in folders of their own: its paths made absolute here
            List<String> line = DicFaceCli.withAbsolutePaths(command);
            List<Integer> finding = inputs.stream().filter(i -> i.error() == null && !i.skipped() && i.tracks()).map(Input::index).toList();
            if (!finding.isEmpty()) {
                System.err.println("finding the faces of " + finding.size() + " video(s)");
                for (Tasks.Result t : spark.parallelize(finding, finding.size()).map(i -> Tasks.findFaces(line, i)).collect()) {
                    results.computeIfAbsent(t.segment().input(), k -> new ArrayList<>()).add(t);
                }
            }
            List<Segment> segments = new ArrayList<>();
            for (Input i : inputs) {
                boolean found = results.getOrDefault(i.index(), List.of()).stream().allMatch(Tasks.Result::ok);
                if (i.error() == null && !i.skipped() && found) {
                    i.segments().forEach(s -> segments.add(new Segment(i.index(), s)));
                }
            }
            System.err.println("restoring " + segments.size() + " segment(s) of " + inputs.size() + " input(s)");
            if (!segments.isEmpty()) {
                for (Tasks.Result t : spark.parallelize(segments, segments.size()).map(s -> Tasks.restore(line, s)).collect()) {
                    results.computeIfAbsent(t.segment().input(), k -> new ArrayList<>()).add(t);
                }
            }
        }
    }

    /** Opens each input once on the driver: its frame count, its segments, whether its faces must be found. */
    private List<Input> inspect(Batch.Request r, List<Outputs> plan) throws IOException {
        List<Input> inputs = new ArrayList<>();
        List<String> leftovers = new ArrayList<>();
        for (int k = 0; k < plan.size(); k++) {
            Path path = r.inputs().get(k);
            Path parts = Parts.folder(r, path);
            if (r.existing() == Outputs.Existing.RESUME && Batch.complete(plan.get(k), FrameRange.ALL)) {
                inputs.add(new Input(k, path, List.of(), false, null, true));
                continue;
            }
            if (Files.exists(parts)) {
                switch (r.existing()) {
                    case REFUSE -> leftovers.add(parts + " holds the segments of an earlier run: --resume goes on with them,"
                            + " --overwrite starts again");
                    case REPLACE -> Join.delete(parts);
                    case RESUME -> { }  // its finished segments are skipped
                }
            }
            try {
                ImagePlus clip = ClipFiles.open(path, true);
                try {
                    int frames = new StackSource(clip).frameCount();
                    boolean tracks = Tasks.needsTracks(r, clip, r.jobFor().apply(clip));
                    inputs.add(new Input(k, path, Segment.cut(frames, segmentFrames), tracks, null, false));
                } finally {
                    VideoFiles.release(clip);
                }
            } catch (RuntimeException e) {
                inputs.add(new Input(k, path, List.of(), false, e.getMessage() == null ? e.toString() : e.getMessage(), false));
            }
        }
        if (!leftovers.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", leftovers));
        }
        return inputs;
    }

    /** An input's outcome: skipped, failed (its first problem), or its segments joined. */
    private static Batch.Outcome outcome(Batch.Request r, Outputs o, Input i, List<Tasks.Result> results) {
        String in = i.path().toString();
        if (i.skipped()) {
            return new Batch.Outcome(in, o.clip().toString(), "skipped", null, 0, 0, null);
        }
        String error = i.error() != null ? i.error()
                : results.stream().filter(t -> !t.ok()).map(t -> (t.segment().frames().all() ? "finding faces"
                        : "frames " + t.segment().frames()) + ": " + t.error()).findFirst().orElse(null);
        if (error != null) {
            return new Batch.Outcome(in, null, "failed", error, 0, 0, null);
        }
        try {
            Join.join(r, i.path(), i.segments());
        } catch (IOException | RuntimeException e) {
            return new Batch.Outcome(in, null, "failed", "joining its segments: " + e.getMessage(), 0, 0, null);
        }
        int frames = i.segments().getLast().to();
        double seconds = results.stream().filter(t -> !t.segment().frames().all()).mapToDouble(Tasks.Result::seconds).sum();
        long skipped = results.stream().filter(t -> t.status().equals("skipped")).count();
        return new Batch.Outcome(in, o.clip().toString(), "done", null, frames, seconds / frames,
                i.segments().size() + " segment(s)" + (skipped > 0 ? ", " + skipped + " done before" : ""));
    }

    /** A local master tries each task up to 4 times, as a cluster does (local[N] alone gives up at the first failure). */
    static String retried(String master) {
        return master.matches("local\\[(\\d+|\\*)\\]") ? master.substring(0, master.length() - 1) + ",4]" : master;
    }

    /** The command line, with one message (exit 1) for what a user can fix, as {@code dicface}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SparkRestore());
        cl.setStopAtPositional(true);
        cl.setUnmatchedOptionsArePositionalParams(true);
        cl.setExecutionExceptionHandler(DicFaceCli.commandLine().getExecutionExceptionHandler());
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
