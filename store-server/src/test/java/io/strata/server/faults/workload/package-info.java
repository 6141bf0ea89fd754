/**
 * Client traffic for fault runs, through the etcd v3 gRPC API as any etcd client sends it: single
 * key registers (read, write, compare-and-set), an append-only set, lease-backed locks, a
 * Kubernetes-like mix (create on mod_revision 0, update on the read mod_revision, list at a
 * revision with a limit) and watchers on every member. Every operation is recorded in a {@link
 * io.strata.server.faults.history.History}; writes whose reply did not arrive are recorded as
 * unknown, never as failed.
 */
@NullMarked
package io.strata.server.faults.workload;

import org.jspecify.annotations.NullMarked;
