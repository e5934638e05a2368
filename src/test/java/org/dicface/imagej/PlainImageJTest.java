package org.dicface.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import org.dicface.model.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain ImageJ 1.54 from Maven Central with DicFace installed as a user installs it (plugins/DicFace_Plugins.jar,
 * plugins/jars, lib/linux64), started under Xvfb: a macro runs every command and takes a screenshot.
 */
class PlainImageJTest {
    @TempDir
    Path ij;

    /** Xvfb is part of the test setup (scripts/setup installs it): without it the test fails, it does not skip. */
    private static void requireXvfb() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "xvfb-run"))) {
                return;
            }
        }
        throw new AssertionError("xvfb-run is not on the PATH: run scripts/setup (it installs xvfb and xauth)");
    }

    /** The installation scripts/install-imagej makes, from the classes and the test classpath's jars. */
    private Path install() throws IOException, InterruptedException {
        Path plugins = Files.createDirectories(ij.resolve("plugins/jars"));
        Files.createDirectories(ij.resolve("lib/linux64"));
        Path jarTool = Path.of(System.getProperty("java.home"), "bin", "jar");
        Process jar = new ProcessBuilder(jarTool.toString(), "--create", "--file", ij.resolve("plugins/DicFace_Plugins.jar").toString(),
                "-C", "target/classes", ".").inheritIO().start();  // the classes and plugins.config, as the project's jar
        assertEquals(0, jar.waitFor());
        Path ijJar = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (name.startsWith("ij-") && name.endsWith(".jar")) {
                ijJar = p;
            } else if (name.endsWith(".jar") && !name.startsWith("junit") && !name.startsWith("opentest4j")
                    && !name.startsWith("apiguardian") && !name.startsWith("surefire") && !name.startsWith("common-")) {
                Files.copy(p, plugins.resolve(name));
            }
        }
        Files.copy(Path.of(System.getProperty("dicface.native.path"), "libdicface_torch.so"), ij.resolve("lib/linux64/libdicface_torch.so"));
        return ijJar;
    }

    @Test
    void everyCommandRunsFromAMacroUnderXvfb() throws Exception {
        requireXvfb();
        Path ijJar = install();
        Path out = Files.createDirectories(ij.resolve("out"));
        String w = Fixture.file("weights.safetensors").toAbsolutePath().toString();
        String c = Fixture.file("config.json").toAbsolutePath().toString();
        String common = " weights=" + w + " config=file config_file=" + c + " sampling=mean seed=0 fidelity=1 device=cpu uncertainty=none";
        String macro = String.join("\n",
                "newImage(\"clip\", \"RGB ramp\", 96, 80, 3);",
                "run(\"Properties...\", \"channels=1 slices=1 frames=3\");",
                "report = \"\";",
                "run(\"Restore Faces...\", \"image=clip" + common + " keep_size use_selection=false feather=16\");",
                "report = report + \"restore \" + getWidth() + \" \" + getHeight() + \" \" + nSlices + \" \" + bitDepth() + \"\\n\";",
                "saveAs(\"Tiff\", \"" + out + "/restored.tif\");",
                "selectImage(\"clip\");",
                "makeOval(20, 20, 30, 25);",
                "run(\"Inpaint Faces...\", \"image=clip mask=none" + common + "\");",
                "report = report + \"inpaint \" + getWidth() + \" \" + nSlices + \"\\n\";",
                "selectImage(\"clip\");",
                "run(\"Select None\");",
                "run(\"Colorize Faces...\", \"image=clip" + common + " keep_luminance keep_size\");",
                "report = report + \"colorize \" + bitDepth() + \"\\n\";",
                "run(\"Save as Video...\", \"image=\" + getTitle() + \" file=" + out + "/colour.mp4 audio_from=\");",
                "run(\"Open Video...\", \"file=" + out + "/colour.mp4 virtual=false\");",
                "report = report + \"video \" + nSlices + \"\\n\";",
                "selectImage(\"clip\");",
                "run(\"Codebook Inspector...\", \"image=clip" + common + " usage_csv=" + out + "/usage.csv codebook_file=\");",
                "run(\"Model Manager...\", \"task=restore action=show file= url= sha256= accept_licence=false\");",
                "run(\"Capture Screen\");",
                "saveAs(\"PNG\", \"" + out + "/screen.png\");",
                "File.saveString(report, \"" + out + "/report.txt\");",
                "run(\"Quit\");");
        Path macroFile = Files.writeString(ij.resolve("test.ijm"), macro);
        List<String> cmd = new ArrayList<>(List.of("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Ddicface.home=" + ij.resolve("home"), "-Dplugins.dir=" + ij, "-jar", ijJar.toString(), "-macro", macroFile.toString()));
        String log = runBounded(new ProcessBuilder(cmd).directory(ij.toFile()));
        Path report = out.resolve("report.txt");
        assertTrue(Files.exists(report), "the macro ran to the end; ImageJ printed:\n" + log);
        List<String> lines = Files.readAllLines(report);
        assertEquals(List.of("restore 96 80 3 24", "inpaint 96 3", "colorize 24", "video 3"), lines, log);
        assertTrue(Files.size(out.resolve("restored.tif")) > 10_000);
        assertEquals(65, Files.readAllLines(out.resolve("usage.csv")).size());
        assertTrue(Files.size(out.resolve("screen.png")) > 1_000, "screenshot taken");
        Path keep = Files.createDirectories(Path.of(System.getProperty("dicface.test.screenshots", "target/screenshots")));
        Files.copy(out.resolve("screen.png"), keep.resolve("plain-imagej.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The dialog of a menu command, recorded by ImageJ's macro recorder with the input names as keys. */
    @Test
    void theDialogIsRecordedAsAMacroLine() throws Exception {
        requireXvfb();
        Path ijJar = install();
        Path out = Files.createDirectories(ij.resolve("out"));
        List<String> cmd = new ArrayList<>(List.of("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Ddicface.home=" + ij.resolve("home"), "-Dplugins.dir=" + ij,
                "-cp", ijJar + File.pathSeparator + "target/test-classes", RecorderProbe.class.getName(), out.toString(),
                Fixture.file("weights.safetensors").toAbsolutePath().toString(), Fixture.file("config.json").toAbsolutePath().toString()));
        String log = runBounded(new ProcessBuilder(cmd));
        keepProbeOutput(out);
        assertTrue(Files.exists(out.resolve("recorded.txt")), log);
        String recorded = Files.readString(out.resolve("recorded.txt"));
        assertTrue(recorded.contains("run(\"Restore Faces...\", \"image=clip weights=") && recorded.contains("sampling=mean")
                && recorded.contains("device=cpu"), "recorded:\n" + recorded + "\nImageJ printed:\n" + log);
        assertEquals("clip-restore 96 3", Files.readString(out.resolve("result.txt")));
        List<String> labels = Files.readAllLines(out.resolve("labels.txt"));
        assertTrue(labels.contains("Fidelity weight") && labels.contains("Output at the input's size")
                && labels.contains("Colour fix"), "the commands' labels, not the macro keys: " + labels);
        assertTrue(!labels.contains("keep size") && !labels.contains("fidelity"), labels.toString());
        assertTrue(recorded.contains(" fidelity=1") && recorded.contains(" keep_size"), "recorded under the keys: " + recorded);
        // the recorded line, replayed without a display, gives the GUI's pixels
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("run\\(\"Restore Faces\\.\\.\\.\", \"([^\"]*)\"\\);")
                .matcher(recorded);
        assertTrue(line.find(), recorded);
        ImagePlus gui = IJ.openImage(out.resolve("result.tif").toString());
        ImagePlus replayed = replayHeadless(line.group(1));
        assertEquals(gui.getStackSize(), replayed.getStackSize());
        for (int i = 1; i <= gui.getStackSize(); i++) {
            int[] a = (int[]) gui.getStack().getProcessor(i).getPixels();
            int[] b = (int[]) replayed.getStack().getProcessor(i).convertToRGB().getPixels();
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k] & 0xffffff, b[k] & 0xffffff, "frame " + i + " pixel " + k + ": " + line.group(1));
            }
        }
        java.awt.image.BufferedImage dialog = javax.imageio.ImageIO.read(out.resolve("dialog.png").toFile());
        assertTrue(dialog.getWidth() > 200 && dialog.getHeight() > 200, "a screenshot of the dialog");
        assertEquals(1280, javax.imageio.ImageIO.read(out.resolve("result.png").toFile()).getWidth(), "a screenshot of the screen");
        // every menu command's dialog, kept in the test output (target/screenshots)
        for (String command : MacroBridge.COMMANDS.keySet()) {
            Path shot = out.resolve("dialogs").resolve(command + ".png");
            assertTrue(Files.exists(shot), "a screenshot of " + command + "'s dialog; ImageJ printed:\n" + log);
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(shot.toFile());
            assertTrue(image.getWidth() > 150 && image.getHeight() > 80, command + ": " + image.getWidth() + "x" + image.getHeight());
        }
        assertEquals("save", Files.readString(out.resolve("dialogs").resolve("evaluate-browse.txt")),
                "an output file's Browse button opens a Save dialog");
        Path keep = Files.createDirectories(Path.of(System.getProperty("dicface.test.screenshots", "target/screenshots")));
        for (String f : new String[] {"dialog.png", "result.png"}) {
            Files.copy(out.resolve(f), keep.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (var shots = Files.list(out.resolve("dialogs"))) {
            for (Path f : shots.toList()) {
                Files.copy(f, keep.resolve("dialog-" + f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The probe's files (screenshots, labels, recorded text) in target/probe-output, to look at after a failure. */
    private static void keepProbeOutput(Path out) throws IOException {
        Path keep = Files.createDirectories(Path.of("target", "probe-output"));
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = keep.resolve(out.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Runs Restore Faces from the menu entry without a display on the probe's clip, with these macro options. */
    private static ImagePlus replayHeadless(String options) throws InterruptedException {
        ImagePlus clip = IJ.createImage("clip", "RGB ramp", 96, 80, 3);
        clip.setDimensions(1, 1, 3);
        ImagePlus[] made = new ImagePlus[1];
        Thread t = new Thread(() -> {
            WindowManager.setTempCurrentImage(clip);
            Macro.setOptions(options);
            new org.dicface.boot.DicFacePlugin().run("restore");
            made[0] = WindowManager.getTempCurrentImage();
        }, "Run$_replay");
        t.start();
        t.join();
        assertTrue(made[0] != null && made[0] != clip, "the replay made a result");
        return made[0];
    }

    /**
     * Runs a process with its output in a file and at most 300 s: a GUI process whose window stays open after a
     * failure keeps the JVM alive, and reading its output first would wait for ever. Returns the output.
     */
    private static String runBounded(ProcessBuilder builder) throws IOException, InterruptedException {
        Path output = Files.createTempFile("imagej-run", ".log");
        Process p = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = p.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        assertTrue(finished, "ImageJ did not finish within 300 s; it printed:\n" + log);
        return log;
    }
}
