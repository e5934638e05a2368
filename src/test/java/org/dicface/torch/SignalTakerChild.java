package org.dicface.torch;

import java.nio.file.Path;

/**
 * Child JVM of {@code NativeLibraryTest.aLibraryThatTakesTheJvmsSignalsDoesNotCrashIt}: loads the library given
 * (through {@link NativeLibrary#load}, or with {@code raw} through a plain System.load), then makes the JVM take
 * SIGSEGV the way it does in normal running (safepoint polls while compiled loops run, garbage collections, implicit
 * null checks), and says it survived.
 */
public final class SignalTakerChild {
    private static volatile long sink;
    private static volatile boolean stop;

    private SignalTakerChild() {
    }

    public static void main(String[] args) throws Exception {
        Path library = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("raw")) {
            System.load(library.toAbsolutePath().toString());
        } else {
            NativeLibrary.load(library);
            System.out.println("restored: " + NativeLibrary.restoredSignals());
        }
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (!stop) {
                for (int i = 0; i < 1_000_000; i++) {
                    x += i ^ (x >>> 3);
                }
                sink = x;
            }
        });
        spinner.start();
        String[] maybe = {"a", null};
        int npes = 0;
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 200_000; i++) {
                try {
                    sink += maybe[i & 1].length();
                } catch (NullPointerException e) {
                    npes++;
                }
            }
            System.gc();
        }
        stop = true;
        spinner.join();
        System.out.println("survived " + npes + " null checks and 30 collections");
    }
}
