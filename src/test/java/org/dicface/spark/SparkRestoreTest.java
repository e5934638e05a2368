package org.dicface.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.io.FileSaver;
import org.dicface.cli.DicFaceCli;
import org.dicface.model.Fixture;
import org.dicface.pipeline.ClipRestorationTest;
import org.dicface.video.ClipReads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch on Spark ({@code local[2]}, two tasks at a time, in this JVM): three short clips and a long one cut into
 * four segments give, pixel for pixel, the outputs of {@code dicface restore} in one process (the long one: of its
 * uninterrupted run); a task killed mid-segment is run again by the engine and the result is still exact; a broken
 * input fails with its message while the others finish; a second run with --resume skips everything.
 */
class SparkRestoreTest {
    @TempDir
    Path dir;

    @AfterEach
    void noFault() {
        Tasks.fault = null;
    }

    private List<String> options(Path out) {
        return List.of("--config", Fixture.file("config.json").toString(), "--weights", Fixture.file("weights.safetensors").toString(),
                "-o", out.toString(), "--device", "cpu", "--seed", "11", "--uncertainty", "entropy", "--faces", "aligned");
    }


    private int spark(Path out, List<Path> inputs, String... more) {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--segment-frames", "3",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1", "restore"));
        args.addAll(options(out));
        args.addAll(List.of(more));
        inputs.forEach(p -> args.add(p.toString()));
        return SparkRestore.commandLine().execute(args.toArray(String[]::new));
    }

    private static JsonArray outcomes(Path out) throws Exception {
        return JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject().getAsJsonArray("outcomes");
    }

    @Test
    void segmentsOnSparkAreTheSingleProcessRunEvenWhenATaskIsKilled() throws Exception {
        List<Path> clips = new ArrayList<>();
        int[] lengths = {3, 4, 5, 12};  // 1, 2, 2 and 4 segments of 3 frames
        for (int k = 0; k < lengths.length; k++) {
            Path clip = dir.resolve("clip" + k + ".tif");
            new FileSaver(ClipRestorationTest.rgbClip(128, 128, lengths[k])).saveAsTiffStack(clip.toString());
            clips.add(clip);
        }
        Path broken = dir.resolve("broken.tif");
        Files.write(broken, new byte[] {'I', 'I', 42, 0, 1, 2, 3, 4, 5, 6});
        Path single = dir.resolve("single");
        List<String> one = new ArrayList<>(List.of("restore"));
        one.addAll(options(single));
        clips.forEach(p -> one.add(p.toString()));
        assertEquals(0, DicFaceCli.commandLine().execute(one.toArray(String[]::new)));

        // the long clip's second segment (frames 3:6) dies after its second frame, the first time it runs
        Set<String> attempts = ConcurrentHashMap.newKeySet();
        Tasks.fault = (segment, attempt, done) -> {
            if (segment.input() == 3 && segment.frames().from() == 3) {
                attempts.add("attempt " + attempt);
                if (attempt == 0 && done == 2) {
                    throw new RuntimeException("killed for the test");
                }
            }
        };
        int loadsBefore = Models.loads();
        Path out = dir.resolve("spark");
        List<Path> inputs = new ArrayList<>(clips);
        inputs.add(2, broken);
        assertEquals(3, spark(out, inputs), "one input failed");
        assertEquals(Set.of("attempt 0", "attempt 1"), attempts, "the killed task ran again");
        assertTrue(Models.loads() - loadsBefore <= 2, "a model per task slot, not per task: " + (Models.loads() - loadsBefore));

        JsonArray each = outcomes(out);
        assertEquals(5, each.size());
        for (JsonElement e : each) {
            JsonObject o = e.getAsJsonObject();
            boolean bad = o.get("input").getAsString().endsWith("broken.tif");
            assertEquals(bad ? "failed" : "done", o.get("status").getAsString(), o.toString());
            if (bad) {
                assertFalse(o.get("error").getAsString().isBlank());
            }
        }
        for (int k = 0; k < clips.size(); k++) {
            String name = "clip" + k + "-restore";
            List<Object> want = ClipReads.frames(single.resolve(name + ".tif"));
            List<Object> got = ClipReads.frames(out.resolve(name + ".tif"));
            assertEquals(lengths[k], got.size());
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals((int[]) want.get(i), (int[]) got.get(i), name + " frame " + i);
            }
            List<Object> wantMaps = ClipReads.frames(single.resolve(name + "-uncertainty.tif"));
            List<Object> gotMaps = ClipReads.frames(out.resolve(name + "-uncertainty.tif"));
            for (int i = 0; i < wantMaps.size(); i++) {
                assertArrayEquals((float[]) wantMaps.get(i), (float[]) gotMaps.get(i), name + " map " + i);
            }
            assertTrue(Files.size(out.resolve(name + "-codebook.csv")) > 0);
        }
        assertFalse(Files.exists(out.resolve(Parts.FOLDER).resolve("clip3-restore.tif")), "the parts go once joined");

        // again with --resume: the finished inputs are skipped, the broken one fails again
        Tasks.fault = (segment, attempt, done) -> {
            throw new AssertionError("nothing is restored again");
        };
        assertEquals(3, spark(out, inputs, "--resume"));
        for (JsonElement e : outcomes(out)) {
            JsonObject o = e.getAsJsonObject();
            assertEquals(o.get("input").getAsString().endsWith("broken.tif") ? "failed" : "skipped", o.get("status").getAsString());
        }
    }


    /**
     * An ordinary video with two faces, as a TIFF stack and as the MP4 with sound: its faces are found once (one task),
     * its three segments restore them in place. The TIFF equals the single-process run pixel for pixel; the MP4's
     * segments, joined without re-encoding, keep the frames, the rate and the whole sound.
     */
    @Test
    void facesOfAVideoAreFoundOnceAndItsSegmentsJoinWithTheSound() throws Exception {
        var scene = org.dicface.face.scenes.Scenes.twoFacesCrossing(
                org.dicface.face.scenes.Scenes.Options.DEFAULT.withSize(320, 240).withFrames(12));
        Path video = org.dicface.face.scenes.SceneVideo.write(scene, dir.resolve("talk.mp4"), org.dicface.face.scenes.SceneVideo.NTSC);
        Path stack = dir.resolve("talk-frames.tif");
        new FileSaver(org.dicface.video.ClipFiles.open(video, false)).saveAsTiffStack(stack.toString());
        List<String> faces = List.of("--config", Fixture.file("config.json").toString(), "--weights",
                Fixture.file("weights.safetensors").toString(), "--device", "cpu", "--sampling", "mean", "--faces", "all");
        Path single = dir.resolve("single");
        List<String> one = new ArrayList<>(List.of("restore", "-o", single.toString()));
        one.addAll(faces);
        one.addAll(List.of(video.toString(), stack.toString()));
        assertEquals(0, DicFaceCli.commandLine().execute(one.toArray(String[]::new)));

        Path out = dir.resolve("spark");
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--segment-frames", "5", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1", "restore", "-o", out.toString()));
        args.addAll(faces);
        args.addAll(List.of(video.toString(), stack.toString()));
        assertEquals(0, SparkRestore.commandLine().execute(args.toArray(String[]::new)));

        List<Object> want = ClipReads.frames(single.resolve("talk-frames-restore.tif"));
        List<Object> got = ClipReads.frames(out.resolve("talk-frames-restore.tif"));
        assertEquals(12, got.size());
        boolean changed = false;
        List<Object> input = ClipReads.frames(stack);
        for (int i = 0; i < 12; i++) {
            assertArrayEquals((int[]) want.get(i), (int[]) got.get(i), "frame " + i);
            changed |= !java.util.Arrays.equals((int[]) input.get(i), (int[]) got.get(i));
        }
        assertTrue(changed, "the faces were restored");
        Path joined = out.resolve("talk-restore.mp4");
        var in = org.dicface.video.VideoProbe.probe(video);
        var result = org.dicface.video.VideoProbe.probe(joined);
        assertEquals(in.frames(), result.frames());
        assertEquals(in.width(), result.width());
        assertEquals(in.frameRate(), result.frameRate(), 1e-3);
        assertTrue(result.audio(), "the sound is kept");
        assertEquals(ClipReads.soundSeconds(video), ClipReads.soundSeconds(joined), 0.05);
    }
}
