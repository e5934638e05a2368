#!/usr/bin/env bash
# Pipeline benchmark: (1) official size, 512x512, CPU: seconds per output frame of the streaming
# scheme against the official script's scheme (whole network on max_length = 10 and 5 frames per output
# frame) through the same model; (2) peak resident memory restoring 50- and 500-frame clips with the small
# (fixture-sized) configuration, in separate JVMs. Ends with one RESULT line.
# Usage: scripts/bench-pipeline.sh [small-config.json]   (default: the fixture's config.json)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
[ -f native/build/libdicface_torch.so ] || scripts/build-native >/dev/null
mvn -q -o test-compile 2>/dev/null || mvn -q test-compile
small=${1:-testdata/dicface-tiny/config.json}
bench() {
  "$JAVA_HOME/bin/java" ${JVM_OPTS:-} --enable-native-access=ALL-UNNAMED -Ddicface.native.path=native/build \
    -cp "target/classes:target/test-classes:target/lib/*" org.dicface.bench.PipelineBenchmark "$@"
}
out=$(bench speed official 6); echo "$out"
speed=$(echo "$out" | sed -n 's/^RESULT //p')
# A fixed, pre-touched Java heap, so that resident memory shows native memory, not the heap growing.
export JVM_OPTS="-Xms256m -Xmx256m -XX:+AlwaysPreTouch"
out=$(bench memory "$small" 50); echo "$out"
m50=$(echo "$out" | sed -n 's/.*peak_rss_mb \([0-9]*\).*/\1/p')
out=$(bench memory "$small" 500); echo "$out"
m500=$(echo "$out" | sed -n 's/.*peak_rss_mb \([0-9]*\).*/\1/p')
growth=$(awk -v a="$m50" -v b="$m500" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
echo "peak RSS: 50 frames $m50 MB, 500 frames $m500 MB ($growth %)"
echo "RESULT $speed rss50_mb=$m50 rss500_mb=$m500 rss_growth_pct=$growth"
