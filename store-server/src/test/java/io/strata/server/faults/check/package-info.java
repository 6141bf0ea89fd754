/**
 * Checkers that decide whether a recorded history is correct: linearizability of single-key
 * registers (a Wing-Gong-Lowe search per key), agreement of every acknowledged result with the
 * committed history, revision monotonicity, watch completeness, the append-only set and lock
 * safety. Each reports violations into a {@link io.strata.server.faults.check.Report}; none throws
 * on a bad history, so one run reports every kind of violation it saw.
 *
 * <p>The committed history, {@link io.strata.server.faults.check.GroundTruth}, is every event from
 * revision 1 to the end as the members replay it after the run; the run checks that all members
 * replay the same events and agree on HashKV before trusting it.
 */
@NullMarked
package io.strata.server.faults.check;

import org.jspecify.annotations.NullMarked;
