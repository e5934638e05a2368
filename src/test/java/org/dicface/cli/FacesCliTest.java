package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.dicface.face.scenes.Scene;
import org.dicface.face.scenes.SceneVideo;
import org.dicface.face.scenes.Scenes;
import org.dicface.model.Fixture;
import org.dicface.torch.ScopedTest;
import org.dicface.video.VideoProbe;
import org.dicface.video.ClipReads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faces in an ordinary video through the command line: {@code dicface faces} writes tracks.json exactly as
 * documented, and restoring the video with its tracks keeps its size, frame rate and sound.
 */
class FacesCliTest extends ScopedTest {
    @TempDir
    Path dir;

    static Set<String> keys(JsonObject o) {
        return new TreeSet<>(o.keySet());
    }

    @Test
    void facesWritesTheDocumentedTracksAndRestoringKeepsSizeRateAndSound() throws Exception {
        Scenes.Options options = Scenes.Options.DEFAULT.withSize(320, 240).withFrames(12);
        Scene scene = Scenes.twoFacesCrossing(options);
        Path video = SceneVideo.write(scene, dir.resolve("talk.mp4"), SceneVideo.NTSC);
        Path tracks = dir.resolve("tracks.json");

        CliTest.Run found = CliTest.run("faces", video.toString(), "-o", tracks.toString(), "--device", "cpu");
        assertEquals(0, found.exit(), found.err());
        JsonObject json = JsonParser.parseString(Files.readString(tracks)).getAsJsonObject();
        assertEquals(new TreeSet<>(Set.of("width", "height", "frames", "fps", "shots", "tracks")), keys(json));
        assertEquals(320, json.get("width").getAsInt());
        assertEquals(240, json.get("height").getAsInt());
        assertEquals(12, json.get("frames").getAsInt());
        assertEquals(SceneVideo.NTSC, json.get("fps").getAsDouble(), 1e-3);
        assertEquals(0, json.getAsJsonArray("shots").get(0).getAsInt());
        JsonArray list = json.getAsJsonArray("tracks");
        assertTrue(list.size() >= 1, "no face tracked");
        for (JsonElement t : list) {
            JsonObject track = t.getAsJsonObject();
            assertEquals(new TreeSet<>(Set.of("id", "frames")), keys(track));
            for (JsonElement f : track.getAsJsonArray("frames")) {
                JsonObject frame = f.getAsJsonObject();
                assertEquals(new TreeSet<>(Set.of("frame", "box", "score", "landmarks5", "interpolated", "landmarks68")),
                        keys(frame));
                assertEquals(4, frame.getAsJsonArray("box").size());
                assertEquals(5, frame.getAsJsonArray("landmarks5").size());
                assertEquals(2, frame.getAsJsonArray("landmarks5").get(0).getAsJsonArray().size());
                assertEquals(68, frame.getAsJsonArray("landmarks68").size());
            }
        }

        CliTest.Run again = CliTest.run("faces", video.toString(), "-o", tracks.toString(), "--device", "cpu");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("--overwrite"), again.err());

        Path out = dir.resolve("out");
        CliTest.Run restored = CliTest.run("restore", video.toString(), "-o", out.toString(), "--tracks", tracks.toString(),
                "--weights", Fixture.file("weights.safetensors").toString(), "--config", Fixture.file("config.json").toString(),
                "--device", "cpu", "--sampling", "mean");
        assertEquals(0, restored.exit(), restored.err());
        VideoProbe.Info in = VideoProbe.probe(video);
        VideoProbe.Info result = VideoProbe.probe(out.resolve("talk-restore.mp4"));
        assertEquals(in.width(), result.width());
        assertEquals(in.height(), result.height());
        assertEquals(in.frames(), result.frames());
        assertEquals(in.frameRate(), result.frameRate(), 1e-3);
        assertTrue(result.audio(), "the sound is kept");

        // a segment with the whole video's tracks: its frames, and the sound of its span only
        CliTest.Run part = CliTest.run("restore", video.toString(), "-o", out.toString(), "--tracks", tracks.toString(),
                "--weights", Fixture.file("weights.safetensors").toString(), "--config", Fixture.file("config.json").toString(),
                "--device", "cpu", "--sampling", "mean", "--frames", "4:9");
        assertEquals(0, part.exit(), part.err());
        Path segment = out.resolve("talk-restore-frames4-9.mp4");
        assertEquals(5, VideoProbe.probe(segment).frames());
        assertEquals(5 / in.frameRate(), ClipReads.soundSeconds(segment), 0.05, "the segment's sound is its span's");
        assertEquals(ClipReads.soundSeconds(video), ClipReads.soundSeconds(out.resolve("talk-restore.mp4")), 0.05, "the whole run keeps all");
    }


    @Test
    void wrongFaceOptionsAreRefusedByName() {
        CliTest.Run bad = CliTest.run("restore", "x.tif", "-o", dir.toString(), "--faces", "some",
                "--weights", Fixture.file("weights.safetensors").toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("faces must be auto, all, largest or aligned"), bad.err());
        CliTest.Run both = CliTest.run("restore", "x.tif", "-o", dir.toString(), "--faces", "all", "--region", "0,0,8,8",
                "--weights", Fixture.file("weights.safetensors").toString());
        assertEquals(1, both.exit());
        assertTrue(both.err().contains("give one or the other"), both.err());
    }
}
