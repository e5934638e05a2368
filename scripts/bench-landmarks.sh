#!/usr/bin/env bash
# Landmark benchmark on a real photo (testdata/face-api/sample5.png, five faces): seconds per face of the
# 68-point landmark network, one face at a time and five in one batch, and detector + landmarks per photo
# (wall and CPU seconds). Ends with one RESULT line.
# Usage: scripts/bench-landmarks.sh [cpu|cuda] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
[ -d target/lib ] || mvn -q -o dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
  -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.LandmarkBenchmark "$@"
