#!/usr/bin/env bash
# Face benchmarks: (1) seconds per frame of face detection at 640x480 and 1920x1080 (bundled face-api detector,
# a real photo resized to each size); (2) per face, the warp to the aligned crop, the landmark mask and the
# paste-back, with three faces in 640x480 and 1920x1080 frames; (3) the landmark network per face (alone and in
# a batch) and detector + landmarks per photo. Each ends with RESULT lines.
# Usage: scripts/bench-faces.sh [cpu|cuda] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
[ -d target/lib ] || mvn -q -o dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
run() {
  "$JAVA_HOME/bin/java" ${JVM_OPTS:-} --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
    -cp "target/classes:target/test-classes:target/lib/*" "$@"
}
run org.dicface.bench.FaceBenchmark "$@"
run org.dicface.bench.LandmarkBenchmark "$@"
run org.dicface.bench.AlignmentBenchmark
