package org.dicface.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import ij.ImagePlus;
import org.dicface.io.AtomicFile;
import org.dicface.model.CodebookUsage;
import org.dicface.pipeline.Batch;
import org.dicface.pipeline.FrameRange;
import org.dicface.pipeline.Outputs;
import org.dicface.video.ClipFiles;
import org.dicface.video.ClipWriter;
import org.dicface.video.StackSource;
import org.dicface.video.TiffWriter;
import org.dicface.video.VideoFiles;

/**
 * Puts an input's segments together into its outputs, named as {@code dicface restore} names them: a video's parts
 * joined without re-encoding, with the source's sound; TIFF stacks and PNG folders frame by frame (lossless either
 * way); the uncertainty maps likewise; the codebook usage weighted by each part's frames. Every output reaches its
 * name complete; the parts go only after.
 */
final class Join {
    private Join() {
    }

    static void join(Batch.Request r, Path input, List<FrameRange> segments) throws IOException {
        Outputs whole = Parts.whole(r, input);
        List<Outputs> parts = segments.stream().map(s -> Parts.of(r, input, s)).toList();
        ImagePlus source = ClipFiles.open(input, true);
        double fps = VideoFiles.frameRate(source);
        String video = source.getProp(VideoFiles.SOURCE_PROPERTY);
        VideoFiles.release(source);
        int frames = segments.getLast().to();
        if (whole.clip().getFileName().toString().endsWith(".mp4")) {
            VideoFiles.join(parts.stream().map(Outputs::clip).toList(),
                    ClipWriter.Sound.of(video == null ? null : Path.of(video)), whole.clip());
        } else {
            try (ClipWriter out = ClipFiles.writer(whole.clip(), new ClipWriter.Options(frames, fps, null))) {
                copy(parts.stream().map(Outputs::clip).toList(), out);
            }
        }
        if (whole.uncertainty() != null) {
            try (ClipWriter out = new TiffWriter(whole.uncertainty(), fps)) {
                copy(parts.stream().map(Outputs::uncertainty).toList(), out);
            }
        }
        List<CodebookUsage> usages = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            usages.add(CodebookUsage.fromCsv(Files.readString(parts.get(k).codebook()), r.config().codebookSize()));
            counts.add(segments.get(k).length());
        }
        AtomicFile.writeString(whole.codebook(), CodebookUsage.combined(usages, counts, r.config().codebookSize()).toCsv());
        delete(Parts.folder(r, input));
    }

    /** Every frame of the clips, in order, into {@code out}, committed. */
    private static void copy(List<Path> clips, ClipWriter out) throws IOException {
        for (Path clip : clips) {
            ImagePlus part = ClipFiles.open(clip, true);
            try {
                int n = new StackSource(part).frameCount();
                for (int i = 1; i <= n; i++) {
                    out.write(part.getStack().getProcessor(i));
                }
            } finally {
                VideoFiles.release(part);
            }
        }
        out.commit();
    }

    /** Removes a parts folder and what is in it. */
    static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        try (Stream<Path> left = Files.list(folder.getParent())) {
            if (left.findAny().isEmpty()) {
                Files.delete(folder.getParent());  // the last input's parts: the .dicface-parts folder too
            }
        }
    }
}
