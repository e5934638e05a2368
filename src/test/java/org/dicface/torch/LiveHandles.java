package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Native handle counts that other tests cannot shift. The count is process-wide, and the Cleaner frees
 * forgotten tensors whenever the garbage collector finds them, so a plain before/after difference moves with
 * whatever an earlier test left behind. {@link #settled()} first lets the Cleaner free everything already
 * unreachable; a {@link Check} then measures only what happens between its start and its end.
 */
public final class LiveHandles {
    private LiveHandles() {
    }

    /** Live handles once the garbage collector and the Cleaner have freed every unreachable tensor. */
    public static long settled() {
        long previous = -1;
        int stable = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stable < 3 && System.nanoTime() < deadline) {
            System.gc();
            try {
                Thread.sleep(5);  // the Cleaner runs on its own thread once the collector has queued the tensors
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = Torch.liveTensors();
            stable = now == previous ? stable + 1 : 0;
            previous = now;
        }
        return previous;
    }

    /** Starts measuring: pending Cleaner work from earlier code is done first. */
    public static Check check() {
        long live = settled();
        return new Check(live, Tensor.freedByCleaner());
    }

    /** Handles alive and tensors left to the Cleaner since {@link #check()}. */
    public record Check(long live, long cleaned) {
        /** Handles alive now, beyond those alive at the start (nothing settled: counts what is still held). */
        public long added() {
            return Torch.liveTensors() - live;
        }

        /** Every handle made since the start was freed, and by its owner, not by the Cleaner. */
        public void assertNothingLeft(String what) {
            long now = settled();
            assertEquals(0, Tensor.freedByCleaner() - cleaned, what + ": tensors forgotten and freed by the Cleaner");
            assertEquals(live, now, what + ": handles still alive");
        }
    }
}
