#!/usr/bin/env bash
# Measures the lag monitor's reaction times on a local cluster it starts (default settings).
#   benchmarks/lag-reaction.sh [cycles]     # default 10 cycles per lag source
#   benchmarks/lag-reaction.sh overhead     # only the statements the monitor sends
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -DskipTests -pl benchmarks -am package
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.rwsplit.benchmarks.LagReactionHarness "${1:-10}" 2>&1 | grep -vE "^\s*$|INFO|WARN" || true
