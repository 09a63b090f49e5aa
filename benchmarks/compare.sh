#!/usr/bin/env bash
# Runs one JMH benchmark on an older commit and on the working tree, back to back, so that a
# change's cost is read from one sitting on one machine.
#   benchmarks/compare.sh abcfcae                          # HotPathBenchmark, 1 thread, -prof gc
#   benchmarks/compare.sh abcfcae HotPathBenchmark -t 4    # more JMH options after the name
# Results: benchmarks/target/compare-{before,after}.json and stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: benchmarks/compare.sh REV [Benchmark] [JMH options]}"
shift
filter="${1:-HotPathBenchmark}"
shift || true
options=("$@")
[[ ${#options[@]} -gt 0 ]] || options=(-t 1 -prof gc)
worktree="$(mktemp -d)/before"
trap 'git worktree remove --force "$worktree" >/dev/null 2>&1 || true' EXIT
git worktree add -q --detach "$worktree" "$base"
for tree in "$worktree" .; do
  (cd "$tree" && ./mvnw -q -DskipTests -pl benchmarks -am package)
done
mkdir -p benchmarks/target
run() { # tree label
  local classpath="$1/benchmarks/target/classes:$(cat "$1/benchmarks/target/classpath.txt")"
  echo "== $2"
  java -cp "$classpath" org.openjdk.jmh.Main "$filter" "${options[@]}" \
    -rf json -rff "benchmarks/target/compare-$2.json" | grep -E '^Benchmark|avgt|thrpt' | grep -v ':gc\.\(count\|time\|alloc\.rate \)'
}
run "$worktree" before
run "$(pwd)" after
