/**
 * A load generator for any etcd v3 endpoint (Strata or etcd), modeled on etcd's {@code
 * tools/benchmark}: {@code put} and {@code range} workloads driven by concurrent clients over
 * shared gRPC connections, with HdrHistogram latencies; and {@code compare}, which runs the same
 * workloads against a fresh 3-member Strata cluster and a fresh 3-member etcd cluster in turn.
 *
 * <p>Entry point: {@link io.strata.bench.load.LoadMain} ({@code bin/strata-bench}).
 */
@NullMarked
package io.strata.bench.load;

import org.jspecify.annotations.NullMarked;
