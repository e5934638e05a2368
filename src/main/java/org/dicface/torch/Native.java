package org.dicface.torch;

import static org.dicface.torch.bindings.dicface_torch_h.dft_error_free;
import static org.dicface.torch.bindings.dicface_torch_h.dft_error_message;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The one place where downcalls are checked.
 *
 * <p>Threads and errors (docs/ARCHITECTURE.md, decision 4): errors come back in-band, as the return value of each
 * call, and the grad mode travels with each call, so no native state is tied to an OS thread. Any thread,
 * virtual threads included, may call into libtorch, and a virtual thread that moves to another carrier
 * between two calls loses nothing. Out-parameters live in a confined arena per call.
 */
final class Native {
    private Native() {
    }

    /** A downcall that returns a {@code dft_error*} and writes its results into {@code out}. */
    @FunctionalInterface
    interface Call {
        MemorySegment invoke(SegmentAllocator arena, MemorySegment out);
    }

    /** Throws the error a downcall returned, freeing it; does nothing on success (NULL). */
    static void check(MemorySegment error) {
        if (error.equals(MemorySegment.NULL)) {
            return;
        }
        String message;
        try {
            message = dft_error_message(error).getString(0);
        } finally {
            dft_error_free(error);
        }
        throw new TorchException(message);
    }

    /** Runs a call with {@code outputs} out-slots and adopts each returned handle as a Tensor. */
    static List<Tensor> produce(int outputs, Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS, outputs);
            check(call.invoke(arena, out));
            Tensor[] result = new Tensor[outputs];
            for (int i = 0; i < outputs; i++) {
                result[i] = Tensor.adopt(out.getAtIndex(ValueLayout.ADDRESS, i));
            }
            return List.of(result);
        }
    }

    /** Runs a call that yields one tensor. */
    static Tensor produce(Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(call.invoke(arena, out));
            return Tensor.adopt(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    static MemorySegment longs(SegmentAllocator arena, long... values) {
        return values.length == 0 ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_LONG, values);
    }

    static MemorySegment handles(SegmentAllocator arena, List<Tensor> tensors) {
        MemorySegment list = arena.allocate(ValueLayout.ADDRESS, tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            list.setAtIndex(ValueLayout.ADDRESS, i, tensors.get(i).handle());
        }
        return list;
    }

    static MemorySegment handleOrNull(Tensor t) {
        return t == null ? MemorySegment.NULL : t.handle();
    }
}
