# Sourced by the project's scripts and .ci/run: sets JAVA_HOME to a JDK 22+ (25 preferred) or fails
# with a message saying what to install. Honours a JAVA_HOME that is already new enough.
java_feature() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | sed 's/^1\.//'
}
dicface_find_java() {
  local candidate feature best="" best_feature=0
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    feature=$(java_feature "$candidate")
    [ -n "$feature" ] || continue
    if [ "$candidate" = "${JAVA_HOME:-}" ] && [ "$feature" -ge 22 ]; then best=$candidate; best_feature=$feature; break; fi
    if [ "$feature" -gt "$best_feature" ]; then best=$candidate; best_feature=$feature; fi
  done
  if [ -z "$best" ] || [ "$best_feature" -lt 22 ]; then
    echo "DicFace needs a JDK 22 or newer (25 recommended); none found in JAVA_HOME or /usr/lib/jvm." >&2
    echo "Install one (e.g. Eclipse Temurin 25: apt-get install temurin-25-jdk from packages.adoptium.net) and set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}
dicface_find_java
