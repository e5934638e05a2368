package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install-imagej, run as a user runs it, from a project tree with the built jar, its libraries and the
 * native library (stand-ins here), into a Fiji folder and into a plain ImageJ folder: each in its own layout.
 */
class InstallScriptTest {
    private static final List<String> LIBS = List.of("ij-1.54p.jar", "scijava-common-2.99.0.jar", "gson-2.13.2.jar",
            "javacpp-1.5.13.jar", "javacpp-1.5.13-linux-x86_64.jar", "picocli-4.7.7.jar");

    @TempDir
    Path dir;

    private Path project() throws IOException {
        Path root = dir.resolve("project");
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("target/lib"));
        Files.createDirectories(root.resolve("native/build"));
        for (String s : new String[] {"install-imagej", "java-home.sh"}) {
            Files.copy(Path.of("scripts", s), root.resolve("scripts").resolve(s));
        }
        Files.writeString(root.resolve("target/dicface-fiji-0.1.0.jar"), "plugin");
        // the cluster jar sorts first by name and must not become the plugin
        Files.writeString(root.resolve("target/dicface-fiji-0.1.0-spark.jar"), "for spark-submit");
        for (String lib : LIBS) {
            Files.writeString(root.resolve("target/lib").resolve(lib), lib);
        }
        Files.writeString(root.resolve("native/build/libdicface_torch.so"), "native");
        return root;
    }

    private static String install(Path project, Path dest) throws IOException, InterruptedException {
        Path log = Files.createTempFile("install", ".log");
        Process p = new ProcessBuilder("bash", project.resolve("scripts/install-imagej").toString(), dest.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the installer finished");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Set<String> names(Path folder) throws IOException {
        Set<String> names = new TreeSet<>();
        try (var s = Files.list(folder)) {
            s.forEach(f -> names.add(f.getFileName().toString()));
        }
        return names;
    }

    @Test
    void fijiGetsItsOwnLayoutAndKeepsWhatItShips() throws Exception {
        Path project = project();
        Path fiji = Files.createDirectories(dir.resolve("Fiji.app"));
        Files.createDirectories(fiji.resolve("jars"));
        Files.createDirectories(fiji.resolve("plugins"));
        for (String shipped : new String[] {"ij-1.54f.jar", "scijava-common-2.97.1.jar", "gson-2.13.2.jar", "javacpp-1.5.9.jar"}) {
            Files.writeString(fiji.resolve("jars").resolve(shipped), "fiji's");
        }
        String out = install(project, fiji);
        assertTrue(out.contains("found Fiji"), out);
        assertEquals(Set.of("ij-1.54f.jar", "scijava-common-2.97.1.jar", "gson-2.13.2.jar", "javacpp-1.5.9.jar",
                "javacpp-1.5.13-linux-x86_64.jar", "picocli-4.7.7.jar"), names(fiji.resolve("jars")),
                "only what Fiji does not ship (the natives' classifier is an artifact of its own)");
        assertEquals("fiji's", Files.readString(fiji.resolve("jars/scijava-common-2.97.1.jar")), "Fiji's own is kept");
        assertTrue(out.contains("kept Fiji's scijava-common-2.97.1.jar (DicFace was built with scijava-common-2.99.0.jar)"), out);
        assertTrue(!out.contains("kept Fiji's gson"), "the same version is not worth a word: " + out);
        assertEquals("plugin", Files.readString(fiji.resolve("plugins/DicFace_Plugins.jar")));
        assertEquals("native", Files.readString(fiji.resolve("lib/linux64/libdicface_torch.so")));
        assertTrue(!Files.exists(fiji.resolve("plugins/jars")));
    }

    @Test
    void plainImageJGetsTheLibrariesBesideThePlugin() throws Exception {
        Path project = project();
        Path imagej = Files.createDirectories(dir.resolve("ImageJ"));
        Files.writeString(imagej.resolve("ij.jar"), "imagej");
        String out = install(project, imagej);
        assertTrue(out.contains("found plain ImageJ"), out);
        assertEquals(Set.of("scijava-common-2.99.0.jar", "gson-2.13.2.jar", "javacpp-1.5.13.jar",
                "javacpp-1.5.13-linux-x86_64.jar", "picocli-4.7.7.jar"), names(imagej.resolve("plugins/jars")),
                "everything but ImageJ itself");
        assertEquals("native", Files.readString(imagej.resolve("lib/linux64/libdicface_torch.so")));
    }
}
