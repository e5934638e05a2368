package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.dicface.boot.JavaVersionCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the native library: where it is looked for, and one clear message for each way it can fail. */
class NativeLibraryTest {
    private static final Path BUILD = Path.of(System.getProperty(NativeLibrary.PATH_PROPERTY, "native/build"));

    @Test
    void loadsFromTheConfiguredPathAndReportsTheRuntime() {
        Torch.init();
        assertEquals(BUILD.resolve(NativeLibrary.FILE_NAME).toAbsolutePath().normalize(), NativeLibrary.loadedPath());
        assertTrue(Torch.version().matches("\\d+\\.\\d+.*"), Torch.version());
    }

    @Test
    void aMissingLibtorchIsExplainedWithTheFix(@TempDir Path dir) throws Exception {
        Path broken = libraryWithAMissingDependency(dir);
        NativeLibraryException e = assertThrows(NativeLibraryException.class, () -> NativeLibrary.load(broken));
        assertTrue(e.getMessage().startsWith("libtorch is missing or has the wrong version"), e.getMessage());
        assertTrue(e.getMessage().contains("libtorch_cpu_standin.so"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install libtorch-dev"), e.getMessage());
        assertTrue(e.getMessage().contains("LD_LIBRARY_PATH"), e.getMessage());
    }

    @Test
    void aFileThatIsNoLibraryIsExplained(@TempDir Path dir) throws IOException {
        Path fake = Files.writeString(dir.resolve("libdicface_torch.so"), "not a library");
        NativeLibraryException e = assertThrows(NativeLibraryException.class, () -> NativeLibrary.load(fake));
        assertTrue(e.getMessage().contains("is not a native library for this machine"), e.getMessage());
    }

    @Test
    void loaderMessagesAreTranslated() {
        Path lib = Path.of("libdicface_torch.so");
        assertTrue(NativeLibrary.explain(lib, "libc10.so.1.13: cannot open shared object file: No such file or directory")
                .contains("needs libc10.so.1.13"));
        assertTrue(NativeLibrary.explain(lib, "libfoo.so.2: cannot open shared object file").startsWith(
                "libdicface_torch.so needs libfoo.so.2"));
        assertTrue(NativeLibrary.explain(lib, "libdicface_torch.so: undefined symbol: _ZN2at4_ops6conv2d4callE")
                .contains("built against another libtorch"));
    }

    @Test
    void searchOrderIsPropertyThenFijiThenDevelopmentBuild(@TempDir Path fiji) {
        String explicit = System.clearProperty(NativeLibrary.PATH_PROPERTY);
        try {
            System.setProperty("fiji.dir", fiji.toString());
            List<Path> candidates = NativeLibrary.candidates();
            String platform = NativeLibrary.platformFolders().getFirst();
            assertEquals(fiji.resolve("lib").resolve(platform).resolve(NativeLibrary.FILE_NAME), candidates.getFirst());
            assertTrue(candidates.contains(Path.of("native", "build", NativeLibrary.FILE_NAME).toAbsolutePath()),
                    "the development build folder is searched: " + candidates);
        } finally {
            System.clearProperty("fiji.dir");
            if (explicit != null) {
                System.setProperty(NativeLibrary.PATH_PROPERTY, explicit);
            }
        }
        // an explicit folder is the only place looked at
        assertEquals(List.of(BUILD.resolve(NativeLibrary.FILE_NAME).toAbsolutePath().normalize()), NativeLibrary.candidates());
    }

    /**
     * A library whose dependency is missing at run time, the way a missing libtorch is: native/tests/standin_user.c
     * linked against a stand-in libtorch_cpu_standin.so that is deleted right after, built with the C compiler
     * scripts/setup installs.
     */
    private static Path libraryWithAMissingDependency(Path dir) throws Exception {
        Path standin = dir.resolve("libtorch_cpu_standin.so");
        Path user = dir.resolve(System.mapLibraryName("dft_missing_dependency"));
        cc("-shared", "-fPIC", "-o", standin.toString(), "native/tests/standin.c");
        cc("-shared", "-fPIC", "-o", user.toString(), "native/tests/standin_user.c", "-L" + dir, "-ltorch_cpu_standin");
        Files.delete(standin);
        return user;
    }

    private static void cc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("cc"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("no C compiler (cc) on the PATH: run scripts/setup (it installs g++)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    private static ProcessResult java(String javaExe, String mainClass, String... properties) throws Exception {
        return java(javaExe, mainClass, properties, new String[0]);
    }

    private static ProcessResult java(String javaExe, String mainClass, String[] properties, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaExe, "--enable-native-access=ALL-UNNAMED"));
        for (String p : properties) {
            cmd.add("-D" + p);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new ProcessResult(p.waitFor(), out);
    }

    record ProcessResult(int exit, String output) {
    }

    private static String thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A library that takes SIGSEGV and the other fatal signals when it is loaded, as UCX does inside Debian's libtorch
     * 2.x: loaded plainly, the JVM dies at its next safepoint or null check (the stand-in's handler exits with 70);
     * loaded by NativeLibrary, the JVM's handlers are put back and it runs on.
     */
    @Test
    void aLibraryThatTakesTheJvmsSignalsDoesNotCrashIt(@TempDir Path dir) throws Exception {
        Path taker = dir.resolve(System.mapLibraryName("dft_signal_taker"));
        cc("-shared", "-fPIC", "-o", taker.toString(), "native/tests/signal_taker.c");
        ProcessResult raw = java(thisJava(), SignalTakerChild.class.getName(), new String[0], taker.toString(), "raw");
        assertEquals(70, raw.exit(), "the stand-in should take the JVM's SIGSEGV when loaded plainly:\n" + raw.output());
        ProcessResult guarded = java(thisJava(), SignalTakerChild.class.getName(), new String[0], taker.toString());
        assertEquals(0, guarded.exit(), guarded.output());
        assertTrue(guarded.output().contains("restored: [SIGILL, SIGBUS, SIGFPE, SIGSEGV]"), guarded.output());
        assertTrue(guarded.output().contains("survived"), guarded.output());
    }

    @Test
    void aMissingLibraryGivesOneMessageNotAStackTrace(@TempDir Path empty) throws Exception {
        ProcessResult r = java(thisJava(), Diagnose.class.getName(), NativeLibrary.PATH_PROPERTY + "=" + empty);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().startsWith("The DicFace native library " + NativeLibrary.FILE_NAME + " was not found. Looked in:"), r.output());
        assertTrue(r.output().contains("cmake -S native -B native/build"), r.output());
        assertTrue(!r.output().contains("Exception"), r.output());
    }

    @Test
    void aWrongLibtorchGivesOneMessageNotAStackTrace(@TempDir Path dir) throws Exception {
        Path broken = libraryWithAMissingDependency(dir);
        ProcessResult r = java(thisJava(), Diagnose.class.getName(), NativeLibrary.PATH_PROPERTY + "=" + broken);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().startsWith("libtorch is missing or has the wrong version"), r.output());
    }

    @Test
    void diagnoseReportsAWorkingSetup() throws Exception {
        ProcessResult r = java(thisJava(), Diagnose.class.getName(), NativeLibrary.PATH_PROPERTY + "=" + BUILD);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("libtorch: " + Torch.version()), r.output());
    }

    @Test
    void javaVersionCheck() {
        assertEquals(8, JavaVersionCheck.feature("1.8"));
        assertEquals(21, JavaVersionCheck.feature("21"));
        assertEquals(25, JavaVersionCheck.feature("25.0.1"));
        assertNull(JavaVersionCheck.problem(), "this JVM is new enough");
    }

    /** Runs the check on a real old Java when the machine has one (the default java here is 17). */
    @Test
    void anOldJavaIsToldWhatToDo() throws Exception {
        Process p = new ProcessBuilder(oldJava().toString(), "-cp", "target/classes", JavaVersionCheck.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.startsWith("DicFace needs Java 22 or newer"), out);
        assertTrue(out.contains("Install a Java 25 runtime"), out);
    }

    /** The ImageJ menu entry says the same on an old Java, through ImageJ's own log, instead of a stack trace. */
    @Test
    void theImageJEntryTellsAnOldJavaWhatToDo(@TempDir Path dir) throws Exception {
        String ijJar = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> Path.of(e).getFileName().toString().startsWith("ij-")).findFirst().orElseThrow();
        Path macro = Files.writeString(dir.resolve("old.ijm"), "call(\"ij.IJ.runPlugIn\", \"org.dicface.boot.DicFacePlugin\", \"restore\");");
        Process p = new ProcessBuilder(oldJava().toString(), "-Djava.awt.headless=true", "-cp", ijJar + File.pathSeparator
                + "target/classes", "ij.ImageJ", "-batch", macro.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("DicFace needs Java 22 or newer"), out);
        assertTrue(!out.contains("UnsupportedClassVersionError"), out);
    }

    /** A Java older than 22: Debian's default Java (17 or 21), which Maven brings along (scripts/setup installs Maven). */
    private static Path oldJava() throws IOException {
        Path jvms = Path.of(File.separator, "usr", "lib", "jvm");
        Optional<Path> found = Optional.empty();
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                found = dirs.filter(d -> d.getFileName().toString().matches(".*(-|^)(8|11|17|21)(-|$).*"))
                        .map(d -> d.resolve("bin").resolve("java")).filter(Files::isExecutable).findFirst();
            }
        }
        return found.orElseThrow(() -> new AssertionError(
                "no Java older than 22 under /usr/lib/jvm: run scripts/setup (Maven brings Debian's default Java)"));
    }
}
