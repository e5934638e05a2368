#!/usr/bin/env bash
# Alignment and paste-back benchmark on the CPU: per face, the warp to the aligned crop, the landmark mask
# and the paste-back, with three faces in 640x480 and in 1920x1080 frames; per frame, the frame's copy and
# the gray test. One RESULT line per frame size.
# Usage: scripts/bench-faces.sh [crop size, default 512]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
"$JAVA_HOME/bin/java" ${JVM_OPTS:-} --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
  -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.FaceBenchmark "$@"
