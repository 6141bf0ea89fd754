/**
 * The nemesis: faults injected into a running cluster on a seeded schedule: SIGKILL and restart,
 * SIGSTOP and SIGCONT, leader transfer, network partitions (majority/minority, isolated leader,
 * bridge), peer delay and loss, a whole-cluster crash, and server failpoints armed on restart.
 * Every fault is healed before the next one starts, and the run waits for a leader in between.
 */
@NullMarked
package io.strata.server.faults.nemesis;

import org.jspecify.annotations.NullMarked;
