package org.dicface.train;

import java.time.Duration;
import java.util.Map;

import org.dicface.torch.Device;
import org.dicface.torch.ProcessGroup;

/**
 * Where this process stands in a data-parallel run: its rank among {@code world} processes, its rank among those on
 * its machine ({@code localRank}, which names its CUDA device), and the rendezvous (rank 0 serves it at
 * {@code host:port}). Read from the variables torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT)
 * or SLURM's (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, with MASTER_ADDR and MASTER_PORT set by the job script);
 * {@link #ALONE} when none are set. Without a local rank, the rank is taken (one machine).
 */
public record Distributed(int rank, int world, int localRank, String host, int port) {
    public static final Distributed ALONE = new Distributed(0, 1, 0, "127.0.0.1", 29500);
    /** A collective that waits longer than this has lost a process (a step of the full model on a CPU takes minutes). */
    public static final Duration TIMEOUT = Duration.ofMinutes(30);
    /** More processes than this is a typo, not a cluster this project is run on. */
    public static final int MAX_WORLD = 4096;

    public Distributed {
        if (world < 1 || world > MAX_WORLD || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " of " + world + " processes: the rank must be from 0 to the"
                    + " world size - 1, and the world size from 1 to " + MAX_WORLD);
        }
        if (localRank < 0 || localRank >= world) {
            throw new IllegalArgumentException("LOCAL_RANK " + localRank + " of " + world + " processes: it must be from 0 to the"
                    + " world size - 1");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("MASTER_PORT " + port + " is not a port (1 to 65535)");
        }
        java.util.Objects.requireNonNull(host, "host");
    }

    /** This process's place, from the environment (see the class); {@link #ALONE} when it names none. */
    public static Distributed fromEnvironment(Map<String, String> env) {
        String rank = env.containsKey("RANK") ? env.get("RANK") : env.get("SLURM_PROCID");
        String world = env.containsKey("WORLD_SIZE") ? env.get("WORLD_SIZE") : env.get("SLURM_NTASKS");
        if (rank == null && world == null) {
            return ALONE;
        }
        if (rank == null || world == null) {
            throw new IllegalArgumentException("a data-parallel run needs both RANK and WORLD_SIZE (or SLURM_PROCID and"
                    + " SLURM_NTASKS); only one is set");
        }
        int w = number(world, "WORLD_SIZE");
        if (w == 1) {
            return ALONE;
        }
        String host = env.get("MASTER_ADDR");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a data-parallel run needs MASTER_ADDR, the host of rank 0 (and MASTER_PORT)");
        }
        int r = number(rank, "RANK");
        String local = env.containsKey("LOCAL_RANK") ? env.get("LOCAL_RANK") : env.get("SLURM_LOCALID");
        return new Distributed(r, w, local == null ? r : number(local, "LOCAL_RANK"), host.trim(), env.containsKey("MASTER_PORT")
                ? number(env.get("MASTER_PORT"), "MASTER_PORT") : 29500);
    }

    private static int number(String text, String name) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + text + "' is not a whole number");
        }
    }

    /**
     * Where this process trains when {@code requested} was asked for: in a data-parallel run on CUDA, one process per
     * device, the one numbered by the local rank (as torchrun's convention); otherwise the device asked for.
     */
    public Device deviceFor(Device requested) {
        return world > 1 && requested.type() == Device.Type.CUDA ? Device.cuda(localRank) : requested;
    }

    /** Joins the group, sharing tensors on {@code device} (null when alone). */
    public ProcessGroup join(Device device) {
        return world == 1 ? null : ProcessGroup.join(host, port, rank, world, TIMEOUT, device);
    }
}
