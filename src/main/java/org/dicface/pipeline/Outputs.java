package org.dicface.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dicface.io.Task;
import org.dicface.video.VideoFiles;

/**
 * The one place output files are named. For an input {@code <name>.<ext>} (or a folder {@code <name>}) and
 * a task, the outputs in the output folder are:
 * <ul>
 * <li>the clip, of the input's kind: {@code <name>-<task>.mp4} for a video, a folder {@code <name>-<task>}
 * of PNGs for a folder of images, a TIFF stack {@code <name>-<task>.tif} otherwise;</li>
 * <li>with an uncertainty map: {@code <name>-<task>-uncertainty.tif};</li>
 * <li>the codebook usage: {@code <name>-<task>-codebook.csv};</li>
 * </ul>
 * and one {@code summary.json} per batch. A segment's files ({@link FrameRange}, output frames a to b−1) have
 * {@code -frames<a>-<b>} after the task ({@code <name>-<task>-frames<a>-<b>.tif}, {@code summary-frames<a>-<b>.json}),
 * so the segments of one input go to one folder side by side. {@link #plan} checks a batch's outputs before any work: an output
 * never replaces an input nor lies inside an input folder, two inputs never share an output, and a file
 * already there is replaced only when asked ({@link Existing}).
 */
public record Outputs(Path input, Path clip, Path uncertainty, Path codebook) {
    /** What to do with outputs that exist already (from an earlier run). */
    public enum Existing {
        /** Refuse to start: the file may be anyone's. */
        REFUSE,
        /** Skip an input whose outputs are there and complete; redo it (replacing them) when they are not. */
        RESUME,
        /** Replace them. */
        REPLACE
    }

    /** The outputs for one input; {@code uncertainty}: whether a map is written; {@code frames}: the frames restored. */
    public static Outputs of(Path input, Path outputDir, Task task, boolean uncertainty, FrameRange frames) {
        String name = input.toAbsolutePath().normalize().getFileName().toString();
        boolean folder = Files.isDirectory(input);
        int dot = name.lastIndexOf('.');
        if (dot > 0 && !folder) {
            name = name.substring(0, dot);
        }
        String base = name + "-" + task.id() + frames.suffix();
        Path dir = outputDir.toAbsolutePath().normalize();
        Path clip = dir.resolve(VideoFiles.isVideo(input) && !folder ? base + ".mp4" : folder ? base : base + ".tif");
        return new Outputs(input, clip, uncertainty ? uncertaintyFor(clip) : null, dir.resolve(base + "-codebook.csv"));
    }

    /** The uncertainty map written with a clip: {@code <clip name without .tif/.mp4>-uncertainty.tif}, beside it. */
    public static Path uncertaintyFor(Path clip) {
        String name = clip.getFileName().toString();
        String base = name.replaceFirst("(?i)\\.(tiff?|mp4)$", "");
        return clip.resolveSibling(base + "-uncertainty.tif");
    }

    /** The batch's summary. */
    public static Path summary(Path outputDir, FrameRange frames) {
        return outputDir.toAbsolutePath().normalize().resolve("summary" + frames.suffix() + ".json");
    }

    /** Every file this input's restoration writes. */
    public List<Path> files() {
        List<Path> all = new ArrayList<>();
        all.add(clip);
        if (uncertainty != null) {
            all.add(uncertainty);
        }
        all.add(codebook);
        return all;
    }

    /**
     * The outputs of a batch, checked: fails with one message listing every problem (an output that is an
     * input or inside an input folder; two inputs with the same output; with {@link Existing#REFUSE}, an
     * output that exists already).
     */
    public static List<Outputs> plan(List<Path> inputs, Path outputDir, Task task, boolean uncertainty, FrameRange frames,
            Existing existing) {
        List<Outputs> plan = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<Path, Path> writers = new HashMap<>();
        List<Path> sources = inputs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        for (Path input : inputs) {
            Outputs o = of(input, outputDir, task, uncertainty, frames);
            plan.add(o);
            for (Path out : o.files()) {
                Path other = writers.putIfAbsent(out, input);
                if (other != null) {
                    problems.add(other + " and " + input + " would both be written to " + out
                            + ": restore them into different output folders");
                }
            }
        }
        List<Path> written = new ArrayList<>(writers.keySet());
        written.add(summary(outputDir, frames));
        for (Path out : written) {
            for (Path source : sources) {
                if (same(out, source)) {
                    problems.add(out + " is an input and would be overwritten: choose another output folder (-o)");
                } else if (Files.isDirectory(source) && out.startsWith(source)) {
                    problems.add(out + " would be written inside the input folder " + source + ": choose another output folder (-o)");
                }
            }
        }
        if (existing == Existing.REFUSE) {
            for (Outputs o : plan) {
                for (Path out : o.files()) {
                    if (Files.exists(out) && sources.stream().noneMatch(s -> same(out, s))) {
                        problems.add(out + " exists already: resume (--resume; Batch Restore: Existing outputs resume) skips"
                                + " inputs whose outputs are complete, overwrite replaces them");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return plan;
    }

    private static boolean same(Path a, Path b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);  // links to one file
        } catch (IOException e) {
            return false;
        }
    }
}
