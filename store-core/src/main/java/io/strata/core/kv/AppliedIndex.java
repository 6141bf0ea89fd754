package io.strata.core.kv;

/**
 * The caller's marker stored atomically with each write: the Raft term and index of the log entry
 * that produced it. After a restart, entries at or below it are already applied.
 */
public record AppliedIndex(long term, long index) {
  public static final AppliedIndex NONE = new AppliedIndex(0, 0);
}
