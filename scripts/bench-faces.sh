#!/usr/bin/env bash
# Face benchmark: seconds per frame of face detection at 640x480 and 1920x1080 (bundled face-api detector,
# a real photo resized to each size). Ends with one RESULT line.
# Usage: scripts/bench-faces.sh [cpu|cuda] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
[ -d target/lib ] || mvn -q -o dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
  -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.FaceBenchmark "$@"
