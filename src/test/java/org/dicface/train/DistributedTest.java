package org.dicface.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Where a process stands, from torchrun's or SLURM's variables; hostile values refused by name. */
class DistributedTest {
    @Test
    void torchrunAndSlurmVariablesAreRead() {
        assertEquals(Distributed.ALONE, Distributed.fromEnvironment(Map.of()));
        assertEquals(new Distributed(1, 4, 1, "head", 1234), Distributed.fromEnvironment(
                Map.of("RANK", "1", "WORLD_SIZE", "4", "MASTER_ADDR", "head", "MASTER_PORT", "1234")));
        assertEquals(new Distributed(5, 8, 1, "head", 29500), Distributed.fromEnvironment(
                Map.of("RANK", "5", "WORLD_SIZE", "8", "LOCAL_RANK", "1", "MASTER_ADDR", "head")));
        assertEquals(new Distributed(3, 8, 3, "node7", 29500), Distributed.fromEnvironment(
                Map.of("SLURM_PROCID", "3", "SLURM_NTASKS", "8", "MASTER_ADDR", "node7")));
        assertEquals(new Distributed(7, 8, 3, "node7", 29500), Distributed.fromEnvironment(
                Map.of("SLURM_PROCID", "7", "SLURM_NTASKS", "8", "SLURM_LOCALID", "3", "MASTER_ADDR", "node7")));
        assertEquals(Distributed.ALONE, Distributed.fromEnvironment(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "1")));
    }

    @Test
    void wrongVariablesAreRefusedByName() {
        for (Map<String, String> env : java.util.List.of(Map.of("RANK", "1"), Map.of("RANK", "4", "WORLD_SIZE", "4", "MASTER_ADDR", "h"),
                Map.of("RANK", "0", "WORLD_SIZE", "2"), Map.of("RANK", "x", "WORLD_SIZE", "2", "MASTER_ADDR", "h"),
                Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "70000"),
                Map.of("RANK", "0", "WORLD_SIZE", "99999999999", "MASTER_ADDR", "h"),
                Map.of("RANK", "0", "WORLD_SIZE", "2", "LOCAL_RANK", "2", "MASTER_ADDR", "h"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Distributed.fromEnvironment(env));
            assertTrue(e.getMessage().matches(".*(RANK|WORLD_SIZE|LOCAL_RANK|MASTER_ADDR|MASTER_PORT|rank).*"), e.getMessage());
        }
    }

    @Test
    void eachProcessOfACudaRunTakesTheDeviceOfItsLocalRank() {
        Distributed second = new Distributed(5, 8, 1, "head", 29500);
        assertEquals(org.dicface.torch.Device.cuda(1), second.deviceFor(org.dicface.torch.Device.cuda(0)));
        assertEquals(org.dicface.torch.Device.CPU, second.deviceFor(org.dicface.torch.Device.CPU));
        assertEquals(org.dicface.torch.Device.cuda(2), Distributed.ALONE.deviceFor(org.dicface.torch.Device.cuda(2)));
    }
}
