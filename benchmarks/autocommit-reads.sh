#!/usr/bin/env bash
# Throughput of autocommit reads (rwsplit.routing.autocommit-reads=replica) against plain HikariCP
# to the primary, on a local cluster it starts; contenders interleaved, one at a time.
#   benchmarks/autocommit-reads.sh [rounds]     # default 9 rounds of 3 s per contender
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -DskipTests -pl benchmarks -am package
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.rwsplit.benchmarks.AutocommitReadsHarness "${1:-9}" 2>&1 | grep -vE "^\s*$|INFO|WARN" || true
