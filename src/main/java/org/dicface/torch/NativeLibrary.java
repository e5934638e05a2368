package org.dicface.torch;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dicface.boot.JavaVersionCheck;
import org.dicface.torch.bindings.dicface_torch_h;

/**
 * Finds and loads the DicFace C API library ({@code libdicface_torch.so}), once per JVM.
 *
 * <p>Search order: the system property {@code dicface.native.path} (the library file or its folder), then
 * the plugin's own {@code lib/<platform>} folder in a Fiji installation (found from the launcher's
 * {@code scijava.app.directory}, {@code imagej.dir} or {@code fiji.dir}, or beside the plugin's jar, as in
 * plain ImageJ), then the development build folder {@code native/build} above the running classes or the
 * working directory. Every failure becomes one
 * {@link NativeLibraryException} that says what is wrong and how to fix it.
 */
public final class NativeLibrary {
    public static final String PATH_PROPERTY = "dicface.native.path";
    static final String FILE_NAME = System.mapLibraryName("dicface_torch");

    private static final Pattern MISSING_DEPENDENCY = Pattern.compile("([\\w.+-]+\\.so[.\\d]*): cannot open shared object file");
    private static Path loaded;
    private static NativeLibraryException failure;
    private static List<String> restoredSignals = List.of();

    private NativeLibrary() {
    }

    /** Loads the library if that has not been done; throws the same clear exception on every call if it fails. */
    public static synchronized Path ensureLoaded() {
        if (loaded != null) {
            return loaded;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            String javaProblem = JavaVersionCheck.problem();
            if (javaProblem != null) {
                throw new NativeLibraryException(javaProblem);
            }
            List<Path> candidates = candidates();
            Path found = candidates.stream().filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> notFound(candidates));
            load(found);
            checkApiVersion(found);
            loaded = found;
            return found;
        } catch (NativeLibraryException e) {
            failure = e;
            throw e;
        }
    }

    /** The path of the loaded library, or null when it is not loaded. */
    public static synchronized Path loadedPath() {
        return loaded;
    }

    /**
     * Loads one library file, translating the loader's error into advice; the JVM's signal handlers that the library or
     * its dependencies replaced are put back ({@link JvmSignals}), and {@link #restoredSignals} names them.
     */
    static void load(Path library) {
        JvmSignals.Snapshot handlers = JvmSignals.take();
        try {
            System.load(library.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new NativeLibraryException(explain(library, e.getMessage()), e);
        } finally {
            List<String> restored = handlers.restoreChanged();
            if (!restored.isEmpty()) {
                restoredSignals = List.copyOf(restored);
            }
        }
    }

    /** The JVM signal handlers a loaded library had replaced and that were put back (empty when none were touched). */
    public static synchronized List<String> restoredSignals() {
        return restoredSignals;
    }

    static String explain(Path library, String loaderMessage) {
        String message = loaderMessage == null ? "" : loaderMessage;
        Matcher missing = MISSING_DEPENDENCY.matcher(message);
        if (missing.find()) {
            String dependency = missing.group(1);
            if (dependency.contains("torch") || dependency.contains("c10")) {
                return "libtorch is missing or has the wrong version: " + library.getFileName() + " needs "
                        + dependency + ", which the system cannot find. Install the libtorch this library was "
                        + "built against (Debian/Ubuntu: sudo apt-get install libtorch-dev: libtorch 1.13 on Debian 12, 2.6 on Debian 13), "
                        + "or put the lib folder of your libtorch on LD_LIBRARY_PATH, or copy its libraries next to "
                        + library.getFileName() + ". Rebuild native/ after changing libtorch (see README). "
                        + "Loader message: " + message;
            }
            return library.getFileName() + " needs " + dependency + ", which the system cannot find. Install the "
                    + "package that provides it or put its folder on LD_LIBRARY_PATH. Loader message: " + message;
        }
        if (message.contains("invalid ELF header") || message.contains("wrong ELF class")
                || message.contains("file too short")) {
            return library + " is not a native library for this machine (" + System.getProperty("os.arch")
                    + "). Rebuild it from native/ (see README) or point -D" + PATH_PROPERTY + " at the right file. "
                    + "Loader message: " + message;
        }
        if (message.contains("undefined symbol")) {
            return library.getFileName() + " was built against another libtorch than the one installed "
                    + "(undefined symbol). Rebuild native/ against the installed libtorch (see README). Loader message: "
                    + message;
        }
        return "Could not load " + library + ": " + message;
    }

    private static void checkApiVersion(Path library) {
        int expected = dicface_torch_h.DFT_API_VERSION();
        int actual;
        try {
            actual = dicface_torch_h.dft_api_version();
        } catch (RuntimeException | LinkageError e) {
            throw new NativeLibraryException(library + " is not the DicFace C API library, or a very old build of it ("
                    + e + "). Rebuild native/ (see README).", e);
        }
        if (actual != expected) {
            throw new NativeLibraryException(library + " implements C API version " + actual + " but this DicFace needs "
                    + expected + ": the library and the plugin come from different versions. Rebuild native/ (see README) "
                    + "or reinstall the plugin.");
        }
    }

    private static NativeLibraryException notFound(List<Path> looked) {
        StringBuilder sb = new StringBuilder("The DicFace native library " + FILE_NAME + " was not found. Looked in:");
        for (Path p : looked) {
            sb.append("\n  ").append(p);
        }
        sb.append("\nBuild it with: cmake -S native -B native/build && cmake --build native/build")
                .append(" (see README), or set -D").append(PATH_PROPERTY).append("=<library file or folder>.");
        return new NativeLibraryException(sb.toString());
    }

    /** Every place looked at, in order. */
    static List<Path> candidates() {
        List<Path> result = new ArrayList<>();
        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            result.add((Files.isDirectory(p) ? p.resolve(FILE_NAME) : p).toAbsolutePath().normalize());
            return result;  // an explicit choice is never silently replaced by another library
        }
        for (String property : new String[] {"scijava.app.directory", "imagej.dir", "fiji.dir"}) {
            String dir = System.getProperty(property);
            if (dir != null && !dir.isBlank()) {
                for (String platform : platformFolders()) {
                    result.add(Path.of(dir, "lib", platform, FILE_NAME));
                }
            }
        }
        codeLocation().ifPresent(jar -> {
            // an installed plugin: Fiji.app/jars/x.jar or ImageJ/plugins/x.jar next to lib/<platform>
            Path dir = jar.getParent();
            for (Path base : new Path[] {dir, dir == null ? null : dir.getParent()}) {
                if (base != null) {
                    for (String platform : platformFolders()) {
                        result.add(base.resolve("lib").resolve(platform).resolve(FILE_NAME));
                    }
                }
            }
            for (Path p = jar; p != null; p = p.getParent()) {
                result.add(p.resolve("native").resolve("build").resolve(FILE_NAME));
            }
        });
        result.add(Path.of(System.getProperty("user.dir"), "native", "build", FILE_NAME));
        return result.stream().map(Path::toAbsolutePath).map(Path::normalize).distinct().toList();
    }

    /** Fiji's names for this platform's native folder, old launcher first. */
    static List<String> platformFolders() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("win")) {
            return List.of("win64", arm ? "windows-arm64" : "windows-x64");
        }
        if (os.contains("mac")) {
            return List.of("macosx", arm ? "macos-arm64" : "macos-x64");
        }
        return arm ? List.of("linux-arm64") : List.of("linux64", "linux-x64");
    }

    private static java.util.Optional<Path> codeLocation() {
        try {
            var source = NativeLibrary.class.getProtectionDomain().getCodeSource();
            return source == null ? java.util.Optional.empty() : java.util.Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
