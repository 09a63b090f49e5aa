#!/usr/bin/env bash
# rwsplit against the alternatives on a local cluster it starts; writes docs/benchmarks/*.json,
# *.svg and the peers sections of docs/benchmarks.md.
#   benchmarks/peers.sh check                       # which server answers each contender's reads and writes
#   benchmarks/peers.sh overhead [rounds] [millis]  # throughput and p99, 1/4/16 threads (default 3 rounds of 2 s)
#   benchmarks/peers.sh consistency                 # write-then-read with one replica 1 s behind
#   benchmarks/peers.sh all [rounds] [millis]       # both
#   benchmarks/peers.sh one-replica [rounds] [millis] # rwsplit over two replicas and over the floor's one, read-only
#   benchmarks/peers.sh mix [rounds] [millis]       # the 90/10 mix: plain HikariCP, rwsplit gtid and eventual
#   benchmarks/peers.sh mix-one-replica [rounds] [millis] # the same, rwsplit reading only from the floor's replica
#   benchmarks/peers.sh statements [thousands]      # statements each server receives per operation, one thread
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -DskipTests -pl benchmarks -am package
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
if [[ "${1:-all}" == check ]]; then
  main=io.github.rwsplit.benchmarks.PeersSmokeCheck
else
  main=io.github.rwsplit.benchmarks.PeersHarness
fi
java -cp "$classpath" "$main" "$@" 2>&1 | grep -vE "^\s*$| INFO | WARN |^\[|^[A-Z][a-z]{2} [0-9]" || true
