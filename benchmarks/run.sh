#!/usr/bin/env bash
# Runs the JMH benchmarks against a local cluster that each benchmark starts itself.
#   benchmarks/run.sh                         # rwsplit vs plain HikariCP, side by side, 1 and 4 threads each
#   benchmarks/run.sh RoutingOverheadBenchmark # a benchmark by name (isolated runs, -t 1 and -t 4)
# Extra JMH options may follow the name. Results: benchmarks/target/jmh-*.json and stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -DskipTests -pl benchmarks -am package
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
filter="${1:-SideBySideRoutingBenchmark}"
shift || true
for threads in 1 4; do
  if [[ "$filter" == SideBySide* ]]; then
    thread_options=(-tg "$threads,$threads")
  else
    thread_options=(-t "$threads")
  fi
  java -cp "$classpath" org.openjdk.jmh.Main "$filter" "${thread_options[@]}" \
    -rf json -rff "benchmarks/target/jmh-${filter}-${threads}t.json" "$@"
done
