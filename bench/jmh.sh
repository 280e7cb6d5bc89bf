#!/usr/bin/env bash
# The JMH benchmarks of issue 4, in one run on this machine:
#   KernelBench   the [65536, 64] float32 training forward vs System.arraycopy of the same array
#   ParseBench    65,536 JSON numbers into float32: the codec vs Jackson's getFloatValue loop
#   WriteBench    65,536 float32 as JSON: the codec vs Jackson's writeNumber(float) loop
#   ForwardBench  bytes allocated per [1024, 64] forward (JSON and .npy), with -prof gc
# Usage: bench/jmh.sh [regex]   (default: all four). JMH_ARGS overrides the run parameters.
# Writes bench/jmh-results.txt (JMH's table) and bench/jmh-results.json. Benchmarks never run
# during ./mvnw verify: they are compiled with the tests and started only from here.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
FILTER=${1:-'KernelBench|ParseBench|WriteBench|ForwardBench'}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s}
OUT=bench/jmh-results

./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/jmh-classpath.txt)"

{
  echo "# bench/jmh.sh '$FILTER' with $JMH_ARGS -prof gc"
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
} > "$OUT.txt"
# shellcheck disable=SC2086
# the forks inherit --add-modules, so KernelBench measures the Vector API path the service runs
"$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main "$FILTER" $JMH_ARGS -prof gc -rf json -rff "$OUT.json" | tee -a "$OUT.txt"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT.txt"
