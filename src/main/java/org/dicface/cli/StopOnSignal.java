package org.dicface.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM or Ctrl-C during a long command: instead of exiting at once, the JVM's shutdown waits (up to ten
 * minutes) until the command has reached a safe point and closed this; {@link #requested} tells the command to
 * get there. Exiting under a live libtorch call runs libtorch's native exit handlers beneath it (a crash in
 * oneDNN was seen once when a training run was killed mid-step).
 */
final class StopOnSignal implements AutoCloseable {
    private volatile boolean requested;
    private final CountDownLatch safe = new CountDownLatch(1);
    private final Thread hook = new Thread(() -> {
        requested = true;
        try {
            safe.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    });

    StopOnSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean requested() {
        return requested;
    }

    /** The command is at a safe point: a waiting shutdown may go on. */
    @Override
    public void close() {
        safe.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // a signal came: the hook has just been let go
        }
    }
}
