package org.dicface.video;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import ij.process.ImageProcessor;

/**
 * A clip writer that encodes and writes on a thread of its own, at most {@code depth} frames behind, so that the
 * restorer goes on with the next frames while the encoder (H.264, PNG) works: reading, restoring and writing
 * overlap. The frames are written in order, exactly as the wrapped writer writes them; a frame handed over must
 * not be changed afterwards. A write error comes out of the next call (write, commit or close), with its own
 * message; {@link #commit} waits for every frame, then commits.
 */
public final class BackgroundWriter implements ClipWriter {
    /** Frames in flight: enough to ride out an encoder's uneven pace, few enough to hold little memory. */
    public static final int DEPTH = 8;

    private final ClipWriter target;
    private final ExecutorService thread;
    private final Semaphore room;
    private volatile Exception failure;
    private int accepted;

    public BackgroundWriter(ClipWriter target) {
        this(target, DEPTH);
    }

    BackgroundWriter(ClipWriter target, int depth) {
        this.target = target;
        this.room = new Semaphore(depth);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dicface-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void write(ImageProcessor frame) throws IOException {
        rethrow();
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing frame " + accepted, e);
        }
        accepted++;
        thread.execute(() -> {
            try {
                if (failure == null) {
                    target.write(frame);
                }
            } catch (Exception e) {
                failure = e;
            } finally {
                room.release();
            }
        });
    }

    /** Frames handed over so far (written, or on their way). */
    @Override
    public int frames() {
        return accepted;
    }

    @Override
    public void commit() throws IOException {
        drain();
        rethrow();
        target.commit();
    }

    @Override
    public void close() throws IOException {
        if (thread.isShutdown()) {
            return;
        }
        try {
            drain();
        } finally {
            thread.shutdownNow();
            target.close();
        }
    }

    /** Waits until every frame handed over has been written (or has failed). */
    private void drain() throws IOException {
        try {
            thread.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("the writer thread stopped: " + e.getMessage(), e);
        }
    }

    private void rethrow() throws IOException {
        Exception e = failure;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof UncheckedIOException u) {
            throw u.getCause();
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
