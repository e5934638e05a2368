package org.dicface.video;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Reads the frames of a clip on a thread of its own, up to {@code depth} frames ahead of the last one asked for, so
 * that decoding a video overlaps with restoring. Every read of the clip goes through that one thread (a video
 * decoder is not safe to share); a frame asked for out of order (a second pass from the start, say) is read at once
 * and the reading ahead starts again from there. A read error comes out of {@link #get} for that frame.
 */
final class ReadAhead<T> implements AutoCloseable {
    private final IntFunction<T> read;
    private final int count;
    private final int depth;
    private final ExecutorService thread;
    private final Map<Integer, Future<T>> scheduled = new HashMap<>();
    private int furthest = -1;

    ReadAhead(IntFunction<T> read, int count, int depth) {
        this.read = read;
        this.count = count;
        this.depth = depth;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dicface-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Frame {@code index}, read ahead if it was scheduled; the next {@code depth} frames are scheduled. */
    synchronized T get(int index) {
        Future<T> frame = scheduled.remove(index);
        if (frame == null) {
            dropScheduled();
            frame = thread.submit(() -> read.apply(index));
            furthest = index;
        }
        scheduled.entrySet().removeIf(e -> {
            boolean behind = e.getKey() < index;
            if (behind) {
                e.getValue().cancel(false);
            }
            return behind;
        });
        for (int i = Math.max(furthest + 1, index + 1); i < Math.min(count, index + 1 + depth); i++) {
            int k = i;
            scheduled.put(k, thread.submit(() -> read.apply(k)));
            furthest = k;
        }
        try {
            return frame.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading frame " + (index + 1), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void dropScheduled() {
        scheduled.values().forEach(f -> f.cancel(false));
        scheduled.clear();
        furthest = -1;
    }

    /** Frames read but not yet asked for, or still being read. */
    synchronized int scheduledCount() {
        return scheduled.size();
    }

    @Override
    public synchronized void close() {
        dropScheduled();
        thread.shutdownNow();
    }
}
