/**
 * JMH benchmarks of rwsplit against a real local MySQL cluster, each measured side by side with
 * its baseline in one run. Run with {@code benchmarks/run.sh}.
 */
package io.github.rwsplit.benchmarks;
