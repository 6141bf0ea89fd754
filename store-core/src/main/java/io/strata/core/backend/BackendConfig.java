package io.strata.core.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to open a backend.
 *
 * @param dir the directory holding the data
 * @param columns the column families to open (created when missing)
 * @param blockCacheBytes the shared read cache; this bounds the engine's memory, not the key count
 * @param writeBufferBytes the size of one memtable before it is flushed
 * @param syncWrites whether each write is fsynced; off when the Raft log already makes it durable
 * @param walEnabled whether writes go through RocksDB's write-ahead log. A member turns it off: its
 *     Raft log already holds every write, and the store records the last Raft index it applied in
 *     the same atomic write, so after a crash it reopens at its last flush and the member replays
 *     the rest from the Raft log. Flushes are then atomic across column families, so the reopened
 *     store is always the state after some whole write.
 */
public record BackendConfig(
    Path dir,
    List<String> columns,
    long blockCacheBytes,
    long writeBufferBytes,
    boolean syncWrites,
    boolean walEnabled) {

  public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;

  public BackendConfig(
      Path dir,
      List<String> columns,
      long blockCacheBytes,
      long writeBufferBytes,
      boolean syncWrites) {
    this(dir, columns, blockCacheBytes, writeBufferBytes, syncWrites, true);
  }

  public BackendConfig {
    Objects.requireNonNull(dir, "dir");
    columns = List.copyOf(columns);
    if (blockCacheBytes < 0) {
      throw new IllegalArgumentException("store.backend.block-cache-size must be >= 0");
    }
    if (syncWrites && !walEnabled) {
      throw new IllegalArgumentException("synced writes need the write-ahead log");
    }
    if (writeBufferBytes < (1 << 20)) {
      throw new IllegalArgumentException("store.backend.write-buffer-size must be >= 1 MiB");
    }
  }

  public static BackendConfig defaults(Path dir, List<String> columns) {
    return new BackendConfig(
        dir, columns, DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_WRITE_BUFFER_BYTES, false);
  }

  public BackendConfig withSyncWrites(boolean sync) {
    return new BackendConfig(dir, columns, blockCacheBytes, writeBufferBytes, sync, walEnabled);
  }

  public BackendConfig withWal(boolean enabled) {
    return new BackendConfig(dir, columns, blockCacheBytes, writeBufferBytes, syncWrites, enabled);
  }
}
