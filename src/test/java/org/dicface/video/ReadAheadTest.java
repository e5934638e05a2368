package org.dicface.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ij.ImagePlus;
import org.dicface.torch.Scope;
import org.dicface.torch.ScopedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading ahead on a thread of its own: the same frames, in any order asked, on one reading thread, errors passed on. */
class ReadAheadTest extends ScopedTest {
    @TempDir
    Path dir;

    @Test
    void readsAheadOnItsOwnThreadAndStartsAgainOnAJump() {
        List<Integer> reads = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (ReadAhead<Integer> ahead = new ReadAhead<>(i -> {
            reads.add(i);
            threads.add(Thread.currentThread().getName());
            return i * 10;
        }, 20, 3)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(i * 10, ahead.get(i));
                assertTrue(ahead.scheduledCount() <= 3, "at most depth frames ahead");
            }
            assertEquals(0, ahead.get(0), "a second pass from the start");
            assertEquals(50, ahead.get(5), "a jump forward");
        }
        assertEquals(List.of("dicface-reader"), threads.stream().distinct().toList(), "one reading thread, not the caller's");
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), reads.subList(0, 20), "each frame read once, in order");
        assertNotEquals(Thread.currentThread().getName(), "dicface-reader");
    }

    @Test
    void aReadErrorComesOutForItsFrame() {
        try (ReadAhead<Integer> ahead = new ReadAhead<>(i -> {
            if (i == 4) {
                throw new IllegalArgumentException("frame 5 of broken.mp4 cannot be decoded");
            }
            return i;
        }, 10, 2)) {
            for (int i = 0; i < 4; i++) {
                assertEquals(i, ahead.get(i));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ahead.get(4));
            assertEquals("frame 5 of broken.mp4 cannot be decoded", e.getMessage());
            assertEquals(5, ahead.get(5), "the frames after it still read");
        }
    }

    /** A video's frames through the read-ahead equal those read directly, forward and after a jump back. */
    @Test
    void aVideoReadsTheSameFrames() throws Exception {
        Path video = VideoFilesTest.videoWithSound(dir.resolve("clip.mp4"));
        ImagePlus direct = ClipFiles.open(video, true);
        ImagePlus again = ClipFiles.open(video, true);
        try (StackSource plain = new StackSource(direct); StackSource ahead = StackSource.readingAhead(again)) {
            assertTrue(again.getStack().isVirtual(), "a video opens as a virtual stack: the read-ahead path");
            int n = plain.frameCount();
            assertTrue(n >= 5);
            int[] order = new int[n + 3];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            order[n] = 1;
            order[n + 1] = 2;
            order[n + 2] = n - 1;
            for (int i : order) {
                try (Scope s = Scope.open()) {
                    assertArrayEquals(plain.frame(i).toFloatArray(), ahead.frame(i).toFloatArray(), "frame " + i);
                }
            }
        } finally {
            VideoFiles.release(direct);
            VideoFiles.release(again);
        }
    }
}
