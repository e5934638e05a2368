#!/usr/bin/env python3
"""Python side of scripts/bench-torch.sh: the same four ops through Debian's python3-torch (same libtorch).

Prints one "op name ms" line per op: after at least 5 warm-up runs and 0.5 s of them, the best of 3
rounds, each the median of at least ITERATIONS runs and 1 s of them (the rule of TorchOpsBenchmark.java).
Usage: bench_torch_ops.py THREADS [ITERATIONS]
"""
import statistics
import sys
import time

import torch

threads = int(sys.argv[1])
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 30
torch.set_num_threads(threads)
print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}")

with torch.inference_mode():
    x = torch.randn(5, 64, 128, 128)
    w = torch.randn(64, 64, 3, 3) * 0.05
    b = torch.zeros(64)
    a = torch.randn(1024, 1024)
    c = torch.randn(1024, 1024)
    gx = torch.randn(5, 512, 16, 16)
    gw = torch.ones(512)
    gb = torch.zeros(512)
    q = torch.randn(40, 256, 64)
    k = torch.randn(40, 64, 256)
    ops = {
        "conv2d": lambda: torch.nn.functional.conv2d(x, w, b, 1, 1),
        "matmul": lambda: torch.matmul(a, c),
        "group_norm": lambda: torch.nn.functional.group_norm(gx, 32, gw, gb, 1e-6),
        "bmm": lambda: torch.bmm(q, k),
    }
    for name, op in ops.items():
        warm_end = time.perf_counter() + 0.5
        i = 0
        while i < 5 or time.perf_counter() < warm_end:
            out = op()
            del out
            i += 1
        best = float("inf")
        for _ in range(3):
            times = []
            end = time.perf_counter() + 1
            while len(times) < iterations or time.perf_counter() < end:
                t0 = time.perf_counter_ns()
                out = op()
                times.append((time.perf_counter_ns() - t0) / 1e6)
                del out
            best = min(best, statistics.median(times))
        print(f"op {name} {best:.4f}")
