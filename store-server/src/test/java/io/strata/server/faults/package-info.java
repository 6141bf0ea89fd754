/**
 * Fault runs: a multi-process cluster whose peer links go through fault-injecting proxies, client
 * workloads recording a history, a nemesis injecting faults, and checkers judging the history
 * against the committed events and a register model. {@link io.strata.server.faults.FaultRun} is
 * one run; {@code FaultRunIT} runs a short one in every build, {@code RandomizedFaultIT} (profile
 * {@code -Pfaults}) many seeded ones. docs/robustness.md describes them.
 */
@NullMarked
package io.strata.server.faults;

import org.jspecify.annotations.NullMarked;
