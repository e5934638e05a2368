#!/usr/bin/env bash
# Landmark benchmark on the photos of testdata/face-api: speed (seconds per face of the 68-point landmark
# network, one face and a batch, and detector + landmarks per photo), sizes (how many of the photos' 11 faces
# the detector still finds as they shrink, with the landmark error), squeeze (faces narrowed horizontally).
# Each part ends with one RESULT line.
# Usage: scripts/bench-landmarks.sh [speed|sizes|squeeze] [cpu|cuda] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
[ -d target/lib ] || mvn -q -o dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
  -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.LandmarkBenchmark "$@"
