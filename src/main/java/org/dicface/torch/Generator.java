package org.dicface.torch;

import static org.dicface.torch.bindings.dicface_torch_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;

/**
 * A seeded random-number generator. Draws are made on the CPU and moved to the target device, so one seed
 * gives the same numbers on every device. Its state can be saved and restored (training resume).
 */
public final class Generator implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private MemorySegment handle;
    private final Cleaner.Cleanable cleanable;

    public Generator(long seed) {
        Torch.init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(dft_generator_new(out, seed));
            MemorySegment h = out.get(ValueLayout.ADDRESS, 0);
            this.handle = h;
            this.cleanable = CLEANER.register(this, () -> dft_generator_free(h));
        }
    }

    static MemorySegment handleOf(Generator generator) {
        return generator == null ? MemorySegment.NULL : generator.handle();
    }

    MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("generator is closed");
        }
        return handle;
    }

    /** The full generator state as a uint8 tensor. */
    public Tensor state() {
        return Native.produce((a, out) -> dft_generator_get_state(out, handle()));
    }

    public void setState(Tensor state) {
        Native.check(dft_generator_set_state(handle(), state.handle()));
    }

    @Override
    public void close() {
        if (handle != null) {
            handle = null;
            cleanable.clean();
        }
    }
}
