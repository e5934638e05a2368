package org.dicface.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code dicface train --nproc N}: N copies of this training command in processes of their own, as torchrun starts
 * them (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT set; rank 0 serves the rendezvous on a free local port). Rank 0
 * speaks on this terminal, the others write {@code rank-<r>.log} in the checkpoint folder; each gets its share of the
 * cores for libtorch's threads (unless {@code dicface.threads} is set). When one fails, the others
 * are stopped and the message names it; the last checkpoint (written whole by rank 0) stays.
 */
final class Processes {
    private Processes() {
    }

    static int launch(int nproc, List<String> originalArgs, Path checkpoints) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < originalArgs.size(); i++) {
            String a = originalArgs.get(i);
            if (a.equals("--nproc")) {
                i++;  // and its value
            } else if (!a.startsWith("--nproc=")) {
                args.add(a);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(checkpoints);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        // the cores shared out, as torchrun does (N processes of all the cores' threads each would fight for them),
        // unless dicface.threads says how many each takes
        Integer threads = Integer.getInteger("dicface.threads");
        command.add("-Ddicface.threads=" + (threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / nproc)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DicFaceCli.class.getName()));
        // the whole original line, "train" included
        command.addAll(args);
        List<Process> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < nproc; r++) {
                ProcessBuilder pb = new ProcessBuilder(command);
                pb.environment().put("RANK", Integer.toString(r));
                pb.environment().put("WORLD_SIZE", Integer.toString(nproc));
                pb.environment().put("LOCAL_RANK", Integer.toString(r));  // on CUDA: process r trains on cuda:r
                pb.environment().put("MASTER_ADDR", "127.0.0.1");
                pb.environment().put("MASTER_PORT", Integer.toString(port));
                if (r == 0) {
                    pb.inheritIO();
                } else {
                    pb.redirectErrorStream(true).redirectOutput(checkpoints.resolve("rank-" + r + ".log").toFile());
                }
                ranks.add(pb.start());
            }
            while (true) {
                for (int r = 0; r < nproc; r++) {
                    Process p = ranks.get(r);
                    if (!p.isAlive() && p.exitValue() != 0) {
                        throw new IOException("training process " + r + " of " + nproc + " stopped (exit status " + p.exitValue()
                                + (r == 0 ? "" : "; its log: " + checkpoints.resolve("rank-" + r + ".log")) + "); the others were"
                                + " stopped; the last checkpoint is kept: continue with --resume");
                    }
                }
                if (ranks.stream().noneMatch(Process::isAlive)) {
                    return 0;
                }
                ranks.getFirst().waitFor(200, TimeUnit.MILLISECONDS);
            }
        } finally {
            for (Process p : ranks) {
                p.destroy();  // SIGTERM: a rank finishes its step first; the group fails on the others anyway
            }
            for (Process p : ranks) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
