package io.strata.core.mvcc;

/**
 * Engine settings.
 *
 * @param maxTxnOps etcd's {@code --max-txn-ops}: compares or ops per transaction branch (128)
 * @param compactionBatchLimit revisions removed per backend write during compaction (etcd's {@code
 *     --compaction-batch-limit}, 1000), so compaction never holds a long write
 * @param latestCacheBytes heap for the newest versions of recently written or read keys, which
 *     spares puts and point reads a RocksDB seek per key (0 disables it). The default, 256 MiB,
 *     holds the newest version of about a million keys with 100-byte values, where etcd keeps every
 *     key in memory; smaller stores use only what they need.
 */
public record MvccConfig(int maxTxnOps, int compactionBatchLimit, long latestCacheBytes) {
  public static final long DEFAULT_LATEST_CACHE_BYTES = 256L << 20;

  public MvccConfig(int maxTxnOps, int compactionBatchLimit) {
    this(maxTxnOps, compactionBatchLimit, DEFAULT_LATEST_CACHE_BYTES);
  }

  public MvccConfig {
    if (maxTxnOps < 1) {
      throw new IllegalArgumentException("max-txn-ops must be >= 1, got " + maxTxnOps);
    }
    if (compactionBatchLimit < 1) {
      throw new IllegalArgumentException(
          "compaction-batch-limit must be >= 1, got " + compactionBatchLimit);
    }
    if (latestCacheBytes < 0) {
      throw new IllegalArgumentException(
          "latest-cache-bytes must be >= 0, got " + latestCacheBytes);
    }
  }

  public static MvccConfig defaults() {
    return new MvccConfig(128, 1000);
  }
}
