#!/usr/bin/env bash
# Op benchmark of the torch layer: conv2d, matmul, group_norm and bmm through our Java API and
# through Debian's python3-torch (the same libtorch), with and without the caching CPU allocator; then the
# leak check (create -> op -> free cycles, resident memory before and after). Ends with one RESULT line.
# Usage: scripts/bench-torch.sh   (env: ITERATIONS=30, CYCLES=100000, THREADS=<cores>)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
ITERATIONS=${ITERATIONS:-30}
CYCLES=${CYCLES:-100000}
THREADS=${THREADS:-$(nproc)}
PYTHON=${PYTHON:-/usr/bin/python3}  # Debian's python, where python3-torch lives

[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "needs Debian's python3-torch: apt-get install python3-torch" >&2; exit 1; }

java_bench() {  # java_bench <cpu cache on: true|false> <benchmark args...>; JVM_OPTS adds JVM flags
  local cache=$1; shift
  "$JAVA_HOME/bin/java" ${JVM_OPTS:-} --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
    -Ddicface.threads="$THREADS" -Ddicface.cpuCache="$cache" \
    -cp target/classes:target/test-classes org.dicface.bench.TorchOpsBenchmark "$@"
}
tuned_malloc="MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=4000000000"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads $THREADS, best of 3 medians (each >= $ITERATIONS runs and 1 s)"
out=$(mktemp -d)
java_bench true ops "$ITERATIONS" > "$out/java_fix"
java_bench false ops "$ITERATIONS" > "$out/java_nofix"
"$PYTHON" scripts/bench_torch_ops.py "$THREADS" "$ITERATIONS" > "$out/py_default"
env $tuned_malloc "$PYTHON" scripts/bench_torch_ops.py "$THREADS" "$ITERATIONS" > "$out/py_tuned"
# The Java heap is fixed and pre-touched for the leak check, so resident memory measures native memory
# rather than the JVM growing its heap into the garbage of 100,000 cycles.
JVM_OPTS="-Xms256m -Xmx256m -XX:+AlwaysPreTouch" java_bench true leak "$CYCLES" > "$out/leak"

python3 - "$out" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
def ops(name):
    return {l.split()[1]: float(l.split()[2]) for l in (d / name).read_text().splitlines() if l.startswith("op ")}
jf, jn, pd, pt = ops("java_fix"), ops("java_nofix"), ops("py_default"), ops("py_tuned")
print(f"{'op':<11}{'java+cache':>11}{'java plain':>11}{'py default':>11}{'py tuned':>10}{'ratio':>8}{'ratio plain':>12}   (ms, medians; ratio = java / best python)")
result = []
for op in ["conv2d", "matmul", "group_norm", "bmm"]:
    best = min(pd[op], pt[op])
    r, rn = jf[op] / best, jn[op] / best
    print(f"{op:<11}{jf[op]:>11.2f}{jn[op]:>11.2f}{pd[op]:>11.2f}{pt[op]:>10.2f}{r:>8.2f}{rn:>12.2f}")
    result += [f"{op}_ratio={r:.3f}", f"{op}_ratio_nocache={rn:.3f}"]
leak = (d / "leak").read_text().split("leak ")[1].split()
kv = dict(zip(leak[0::2], leak[1::2]))
print(f"leak check: {kv['cycles']} cycles, RSS {kv['rss_before_kb']} kB -> {kv['rss_after_kb']} kB "
      f"({float(kv['growth_pct']):+.2f} %), live handles {int(kv['live_handles_delta']):+d}")
result += [f"rss_growth_pct={float(kv['growth_pct']):.2f}", f"live_handles_delta={kv['live_handles_delta']}"]
print("RESULT " + " ".join(result))
PY
rm -rf "$out"
