package org.dicface.bench;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.dicface.torch.Device;
import org.dicface.torch.ProcessGroup;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * A c10d group of one process on a device (scripts/gpu-check: NCCL on one GPU, where two ranks cannot share it):
 * an all-reduced mean of two tensors in one bucket and a broadcast must give the values back exactly, a barrier
 * must return; then the time of a 25 MB all-reduce. Usage: GroupCheck [cpu|cuda:N]
 */
public final class GroupCheck {
    private GroupCheck() {
    }

    public static void main(String[] args) throws Exception {
        Device device = Device.parse(args.length > 0 ? args[0] : "cpu");
        if (!ProcessGroup.supports(device)) {
            System.out.println("RESULT group_device=" + device + " group_backend_built=false");
            System.exit(2);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (ProcessGroup g = ProcessGroup.join("127.0.0.1", port, 0, 1, Duration.ofSeconds(60), device); Scope scope = Scope.open()) {
            float[] a = {1.5f, -2, 3};
            float[] b = {7, 8};
            Tensor ta = Tensor.of(a, new long[] {3}).to(device);
            Tensor tb = Tensor.of(b, new long[] {2}).to(device);
            g.allReduceMean(List.of(ta, tb));
            g.broadcast(List.of(ta), 0);
            g.barrier();
            boolean exact = java.util.Arrays.equals(a, ta.toFloatArray()) && java.util.Arrays.equals(b, tb.toFloatArray());
            Tensor big = Tensor.zeros(ProcessGroup.BUCKET_BYTES / 4).to(device);
            g.allReduceMean(List.of(big));
            big.toFloatArray();
            int n = 20;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                g.allReduceMean(List.of(big));
            }
            g.barrier();
            double ms = (System.nanoTime() - t0) / 1e6 / n;
            System.out.printf("RESULT group_device=%s group_values_exact=%b allreduce_25mb_ms=%.2f%n", device, exact, ms);
            if (!exact) {
                System.exit(1);
            }
        }
    }
}
