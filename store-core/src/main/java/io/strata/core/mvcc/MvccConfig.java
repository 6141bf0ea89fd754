package io.strata.core.mvcc;

/**
 * Engine settings.
 *
 * @param maxTxnOps etcd's {@code --max-txn-ops}: compares or ops per transaction branch (128)
 * @param compactionBatchLimit revisions removed per backend write during compaction (etcd's {@code
 *     --compaction-batch-limit}, 1000), so compaction never holds a long write
 */
public record MvccConfig(int maxTxnOps, int compactionBatchLimit) {
  public MvccConfig {
    if (maxTxnOps < 1) {
      throw new IllegalArgumentException("max-txn-ops must be >= 1, got " + maxTxnOps);
    }
    if (compactionBatchLimit < 1) {
      throw new IllegalArgumentException(
          "compaction-batch-limit must be >= 1, got " + compactionBatchLimit);
    }
  }

  public static MvccConfig defaults() {
    return new MvccConfig(128, 1000);
  }
}
