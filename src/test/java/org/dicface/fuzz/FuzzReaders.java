package org.dicface.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.dicface.torch.Torch;

/**
 * Fuzzes the checkpoint readers (scripts/fuzz-readers): mutated safetensors and .pth files from
 * {@link Mutator} are read by a {@link FuzzChild} JVM, one after the other. A child that dies is a crash (a
 * signal, or an hs_err file), one that does not answer within the timeout a hang, an answer other than the
 * project's clear error a raw exception, and a case the format forbids that was accepted an accepted-invalid.
 * Failing cases are kept under {@code <work>/findings/} to be replayed. Ends with
 * {@code RESULT cases=N crashes=C hangs=H raw_exceptions=R accepted_invalid=A}.
 */
public final class FuzzReaders {
    /** What a run found; rejectedValid and leaks are reported besides the four that must be zero. */
    public record Tally(int cases, int crashes, int hangs, int rawExceptions, int acceptedInvalid, int rejectedValid, int leaks) {
        public boolean clean() {
            return crashes == 0 && hangs == 0 && rawExceptions == 0 && acceptedInvalid == 0 && rejectedValid == 0 && leaks == 0;
        }

        public String result() {
            return "RESULT cases=" + cases + " crashes=" + crashes + " hangs=" + hangs + " raw_exceptions=" + rawExceptions
                    + " accepted_invalid=" + acceptedInvalid;
        }
    }

    private static final long TIMEOUT_S = 30;

    private final Path work;
    private final PrintStream log;
    private Process child;
    private Writer toChild;
    private BlockingQueue<String> answers;

    private FuzzReaders(Path work, PrintStream log) {
        this.work = work;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        int cases = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("fuzz-readers");
        long start = System.nanoTime();
        Tally t = run(cases, seed, work, System.out);
        System.out.printf("fuzzed %d cases in %.1f s (work folder %s); rejected_valid=%d leaks=%d%n", t.cases(),
                (System.nanoTime() - start) / 1e9, work, t.rejectedValid(), t.leaks());
        System.out.println(t.result());
        System.exit(t.clean() ? 0 : 1);
    }

    /** Runs {@code cases} cases from {@code seed} in {@code work}; findings are logged and kept there. */
    public static Tally run(int cases, long seed, Path work, PrintStream log) throws IOException, InterruptedException {
        Torch.init();
        Files.createDirectories(work);
        Mutator mutator = new Mutator(work);
        return new FuzzReaders(work, log).fuzz(mutator, cases, seed);
    }

    private Tally fuzz(Mutator mutator, int cases, long seed) throws IOException, InterruptedException {
        Random random = new Random(seed);
        int crashes = 0;
        int hangs = 0;
        int raw = 0;
        int acceptedInvalid = 0;
        int rejectedValid = 0;
        int leaks = 0;
        TreeMap<String, int[]> kinds = new TreeMap<>();   // kind -> accepted, clear
        Path dir = work.resolve("case");
        Files.createDirectories(dir);
        try {
            for (int i = 0; i < cases; i++) {
                Mutator.Case c = mutator.next(random);
                Path file = dir.resolve("case" + c.extension());
                Files.write(file, c.bytes());
                String answer = ask(file);
                int[] k = kinds.computeIfAbsent(c.kind(), x -> new int[2]);
                String finding = null;
                if (answer == null) {
                    finding = "HANG";
                    hangs++;
                } else if (answer.startsWith("DEAD")) {
                    finding = "CRASH " + answer;
                    crashes++;
                } else if (answer.startsWith("RAW")) {
                    finding = answer;
                    raw++;
                } else if (answer.startsWith("ACCEPTED")) {
                    k[0]++;
                    if (c.validity() == Mutator.Validity.INVALID) {
                        finding = "ACCEPTED-INVALID";
                        acceptedInvalid++;
                    }
                } else {
                    k[1]++;
                    if (c.validity() == Mutator.Validity.VALID) {
                        finding = "REJECTED-VALID " + answer;
                        rejectedValid++;
                    }
                }
                if (answer != null && answer.contains(" LEAK ")) {
                    leaks++;
                    finding = finding == null ? answer : finding;
                }
                if (finding != null) {
                    Path kept = work.resolve("findings").resolve(i + "-" + c.kind() + c.extension());
                    Files.createDirectories(kept.getParent());
                    Files.write(kept, c.bytes());
                    log.println("case " + i + " (" + c.kind() + ", " + c.validity() + "): " + finding + " -> " + kept);
                }
            }
        } finally {
            stopChild();
        }
        StringBuilder sb = new StringBuilder("by kind (accepted/refused):");
        kinds.forEach((kind, n) -> sb.append(' ').append(kind).append('=').append(n[0]).append('/').append(n[1]));
        log.println(sb);
        return new Tally(cases, crashes, hangs, raw, acceptedInvalid, rejectedValid, leaks);
    }

    /** The child's answer; null after a hang (the child is killed); "DEAD ..." when the child died. */
    private String ask(Path file) throws IOException, InterruptedException {
        if (child == null || !child.isAlive()) {
            startChild();
        }
        try {
            toChild.write(file + "\n");
            toChild.flush();
        } catch (IOException e) {
            return dead();
        }
        String answer = answers.poll(TIMEOUT_S, TimeUnit.SECONDS);
        if (answer == null) {
            stopChild();
            return null;
        }
        return answer.equals("EOF") ? dead() : answer;
    }

    private String dead() throws InterruptedException {
        child.waitFor(10, TimeUnit.SECONDS);
        int code = child.isAlive() ? -1 : child.exitValue();
        List<Path> reports = new ArrayList<>();
        try (var files = Files.list(work)) {
            files.filter(p -> p.getFileName().toString().startsWith("hs_err")).forEach(reports::add);
        } catch (IOException e) {
            // the report list is only a hint
        }
        child = null;
        return "DEAD exit " + code + (code > 128 ? " (signal " + (code - 128) + ")" : "") + (reports.isEmpty() ? "" : ", " + reports);
    }

    private void startChild() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log")));
        String nativePath = System.getProperty("dicface.native.path");
        if (nativePath != null) {
            command.add("-Ddicface.native.path=" + nativePath);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FuzzChild.class.getName()));
        child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("child-stderr.log").toFile())).start();
        toChild = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        answers = queue;
        BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String line = from.readLine(); line != null; line = from.readLine()) {
                    if (line.startsWith("@@ ")) {
                        queue.add(line.substring(3));
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
            queue.add("EOF");
        }, "fuzz-child-reader");
        reader.setDaemon(true);
        reader.start();
        // a child that cannot read a valid seed is broken (classpath, native library): stop, do not count crashes
        toChild.write(work.resolve("seed-small.safetensors") + "\n");
        toChild.flush();
        String answer = answers.poll(TIMEOUT_S, TimeUnit.SECONDS);
        if (answer == null || !answer.startsWith("ACCEPTED")) {
            stopChild();
            throw new IllegalStateException("the fuzz child JVM does not work (" + answer + "); see "
                    + work.resolve("child-stderr.log"));
        }
    }

    private void stopChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            child = null;
        }
    }
}
