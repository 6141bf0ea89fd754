/**
 * A load generator for any etcd v3 endpoint (Strata or etcd), modeled on etcd's {@code
 * tools/benchmark}: {@code put}, {@code range}, {@code txn-put}, {@code txn-mixed}, {@code
 * lease-keepalive}, {@code watch}, {@code watch-latency} and a Kubernetes-like {@code k8s} mix,
 * driven by concurrent clients over shared gRPC connections, with HdrHistogram latencies; and
 * {@code compare}, which runs the same workloads against a fresh 3-member Strata cluster and a
 * fresh 3-member etcd cluster in turn.
 *
 * <p>{@link io.strata.bench.load.LoadGenerator} measures a run (channels, stop condition, {@code
 * --rate} through one shared {@link io.strata.bench.load.RateLimiter}, latency, errors, result);
 * each workload's {@link io.strata.bench.load.WorkloadDriver} only issues its requests.
 *
 * <p>{@link io.strata.bench.load.ClusterCompare} runs the sweep, {@code --repeats} times; {@link
 * io.strata.bench.load.CompareReport} writes its Markdown (medians with their spread), {@link
 * io.strata.bench.load.CompareChart} an SVG chart per workload, and {@link
 * io.strata.bench.load.FlameGraphProfiler} a flame graph of the Strata leader per run.
 *
 * <p>Entry point: {@link io.strata.bench.load.LoadMain} ({@code bin/strata-bench}).
 */
@NullMarked
package io.strata.bench.load;

import org.jspecify.annotations.NullMarked;
