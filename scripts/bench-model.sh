#!/usr/bin/env bash
# Model benchmark: one 5-frame group of the official DicFace at 512x512 on the CPU with all cores:
# encoder + MultiScaleFuse per frame, transformer per group, generator per frame, FLOPs from the config,
# GFLOP/s against a reference conv2d, peak resident memory. Ends with one RESULT line.
# Usage: scripts/bench-model.sh [official|config.json] [cpu|cuda] [fp32|fp16|bf16]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
  -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.ModelBenchmark "$@"
