#!/usr/bin/env bash
# What a read-your-writes wait costs on a local cluster it starts, without rwsplit: the replica's
# round trip, a wait for a transaction it has, and a wait for the write just committed.
#   benchmarks/replication-delay.sh [samples]   # default 2000 per figure
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -DskipTests -pl benchmarks -am package
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.github.rwsplit.benchmarks.ReplicationDelayHarness "${1:-2000}" 2>&1 | grep -vE "^\s*$|INFO|WARN" || true
