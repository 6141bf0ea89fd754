/**
 * The record of what clients did during a fault run: every operation with the client that issued
 * it, its invoke and complete times and its outcome (ok, failed, or unknown when the client cannot
 * tell whether it took effect). Checkers read only this record and the final ground truth.
 *
 * <p>Key types: {@link io.strata.server.faults.history.Op} (one operation), {@link
 * io.strata.server.faults.history.History} (thread-safe recorder, JSON-lines dump).
 */
@NullMarked
package io.strata.server.faults.history;

import org.jspecify.annotations.NullMarked;
