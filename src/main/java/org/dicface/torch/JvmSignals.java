package org.dicface.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM's handlers of the signals it relies on, put back after loading a native library that replaced them. The JVM
 * takes SIGSEGV, SIGBUS, SIGFPE and SIGILL in normal running (safepoint polls, implicit null checks) and the
 * termination signals for its shutdown hooks; a library that installs its own handler at load makes the JVM die at its
 * next safepoint. Debian's libtorch 2.x does so: it brings UCX (libucs, through OpenMPI), which takes the four fatal
 * signals in its constructor (seen on Debian 13's libtorch 2.6: the JVM crashed within seconds, "SIGSEGV ... sent by
 * kill"). Linux and glibc's {@code struct sigaction}, read and written whole as bytes.
 */
final class JvmSignals {
    /** SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGUSR2, SIGPIPE, SIGTERM, SIGXFSZ (Linux numbers). */
    static final Map<Integer, String> SIGNALS = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(5, "SIGTRAP"), Map.entry(7, "SIGBUS"),
            Map.entry(8, "SIGFPE"), Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"), Map.entry(13, "SIGPIPE"),
            Map.entry(15, "SIGTERM"), Map.entry(25, "SIGXFSZ"))));  // in signal order
    private static final long SIGACTION_BYTES = 256;  // glibc's is 152 on x86-64 and aarch64: room to spare
    private static final MethodHandle SIGACTION = sigaction();

    private JvmSignals() {
    }

    private static MethodHandle sigaction() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("sigaction").map(address -> linker.downcallHandle(address,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)))
                .orElse(null);
    }

    /** The handlers now, to {@link Snapshot#restoreChanged restore} after a load. */
    static Snapshot take() {
        Map<Integer, byte[]> handlers = new LinkedHashMap<>();
        if (SIGACTION != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(SIGACTION_BYTES);
                for (int signal : SIGNALS.keySet()) {
                    if ((int) SIGACTION.invokeExact(signal, MemorySegment.NULL, buffer) == 0) {
                        handlers.put(signal, buffer.toArray(ValueLayout.JAVA_BYTE));
                    }
                }
            } catch (Throwable e) {
                throw new IllegalStateException("reading the signal handlers failed", e);
            }
        }
        return new Snapshot(handlers);
    }

    /** Handlers as they were; {@link #restoreChanged} puts back those a load replaced. */
    record Snapshot(Map<Integer, byte[]> handlers) {
        /** The names of the signals whose handler had changed and was put back. */
        List<String> restoreChanged() {
            List<String> restored = new ArrayList<>();
            if (SIGACTION == null || handlers.isEmpty()) {
                return restored;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment now = arena.allocate(SIGACTION_BYTES);
                MemorySegment before = arena.allocate(SIGACTION_BYTES);
                for (Map.Entry<Integer, byte[]> e : handlers.entrySet()) {
                    int signal = e.getKey();
                    if ((int) SIGACTION.invokeExact(signal, MemorySegment.NULL, now) != 0) {
                        continue;
                    }
                    // the handler is the first field of glibc's struct sigaction
                    if (now.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) == MemorySegment.ofArray(e.getValue()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)) {
                        continue;
                    }
                    MemorySegment.copy(MemorySegment.ofArray(e.getValue()), 0, before, 0, SIGACTION_BYTES);
                    if ((int) SIGACTION.invokeExact(signal, before, MemorySegment.NULL) == 0) {
                        restored.add(SIGNALS.get(signal));
                    }
                }
            } catch (Throwable e) {
                throw new IllegalStateException("restoring the signal handlers failed", e);
            }
            return restored;
        }
    }
}
