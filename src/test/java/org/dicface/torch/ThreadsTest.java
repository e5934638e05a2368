package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The threading rule (docs/ARCHITECTURE.md, decision 4): errors and grad mode are in-band, so any thread may call
 * libtorch, virtual threads included, even when they move between carriers between calls.
 */
@Isolated
class ThreadsTest {

    @Test
    void errorsBelongToTheCallThatMadeThemOnVirtualThreads() throws Exception {
        int tasks = 2000;
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                final int n = 2 + i % 7;
                futures.add(executor.submit(() -> {
                    try (Scope scope = Scope.open()) {
                        Tensor a = Tensor.ones(n);
                        Thread carrierHop = Thread.currentThread();
                        Thread.sleep(1);  // unmounts: the next call may run on another carrier
                        try {
                            a.reshape(n + 1);
                            problems.add("reshape did not fail");
                        } catch (TorchException e) {
                            Thread.yield();
                            String expected = "shape '[" + (n + 1) + "]' is invalid for input of size " + n;
                            if (!e.getMessage().contains(expected)) {
                                problems.add("got '" + e.getMessage() + "', expected '" + expected + "'");
                            }
                        }
                        // a successful call right after an error on the same thread reports no stale error
                        if (a.add(1).sum().item() != 2.0 * n) {
                            problems.add("wrong sum on " + carrierHop);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertTrue(problems.isEmpty(), problems.stream().limit(5).toList().toString());
    }

    @Test
    void gradModeFollowsTheJavaThreadNotTheCarrier() throws Exception {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                final GradMode mode = i % 2 == 0 ? GradMode.NO_GRAD : GradMode.GRAD;
                futures.add(executor.submit(() -> {
                    start.await();
                    try (GradMode.Guard g = mode.enter(); Scope s = Scope.open()) {
                        for (int k = 0; k < 20; k++) {
                            Thread.sleep(0, 1000);
                            boolean recorded = x.mul(2).requiresGrad();
                            if (recorded != (mode == GradMode.GRAD)) {
                                problems.add(mode + " recorded=" + recorded);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();  // a task that threw fails the test
            }
        }
        x.close();
        assertTrue(problems.isEmpty(), problems.stream().limit(5).toList().toString());
    }

    @Test
    void threadCountDefaultsToTheCoresAndReachesThreadsThatAlreadyRan() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Integer.getInteger("dicface.threads", cores), Torch.numThreads(), "default: the cores available");
        int[] seen = new int[2];
        Throwable[] failure = new Throwable[1];
        CountDownLatch ranOnce = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try (Scope s = Scope.open()) {
                Tensor.ones(2).add(1);  // this OS thread initialises libtorch's thread state now
                seen[0] = Torch.numThreads();
                ranOnce.countDown();
                changed.await();
                Tensor.ones(2).add(1);
                seen[1] = Torch.numThreads();
            } catch (Throwable e) {
                failure[0] = e;
                ranOnce.countDown();  // the test goes on, and fails below instead of waiting forever
            }
        });
        worker.start();
        assertTrue(ranOnce.await(60, TimeUnit.SECONDS), "the worker ran");
        int original = Torch.numThreads();
        try {
            Torch.setNumThreads(original + 1);
            changed.countDown();
            worker.join();
            assertNull(failure[0], () -> "the worker threw " + failure[0]);
            assertEquals(original, seen[0]);
            assertEquals(original + 1, seen[1], "a count set on another thread reaches this one");
        } finally {
            Torch.setNumThreads(original);
        }
        Assertions2.assertTorchError(() -> Torch.setNumThreads(0), "thread count must be positive");
    }

    @Test
    void platformThreadsWorkConcurrentlyOnSharedInputs() throws Exception {
        Tensor w = Tensor.normal(0, 1, null, 8, 3, 3, 3);
        Tensor x = Tensor.normal(0, 1, null, 1, 3, 16, 16);
        float[] expected = x.conv2d(w, null, 1, 1).toFloatArray();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        try (var executor = Executors.newFixedThreadPool(4)) {  // platform threads
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (Scope s = Scope.open()) {
                            float[] got = x.conv2d(w, null, 1, 1).toFloatArray();
                            if (!java.util.Arrays.equals(expected, got)) {
                                problems.add("different result");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();  // a thread that threw fails the test
            }
        }
        w.close();
        x.close();
        assertTrue(problems.isEmpty(), problems.toString());
    }
}
