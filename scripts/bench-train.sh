#!/usr/bin/env bash
# Training speed on the CPU: seconds per step and peak memory of the official recipe (restore task,
# degradations included), for the fixture-sized configuration (2 clips x 5 frames, as official) and the
# official one (1 clip x 5 frames: two do not fit a 24 GB machine). Ends with one RESULT line per run.
# Usage: scripts/bench-train.sh [small-config.json]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
small=${1:-testdata/dicface-tiny/config.json}
run() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -Ddicface.native.path=native/build \
    -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.TrainBenchmark "$@"
}
run "$small" 2 5
run official 1 1
