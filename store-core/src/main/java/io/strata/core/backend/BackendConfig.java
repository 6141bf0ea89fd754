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
 */
public record BackendConfig(
    Path dir,
    List<String> columns,
    long blockCacheBytes,
    long writeBufferBytes,
    boolean syncWrites) {

  public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;

  public BackendConfig {
    Objects.requireNonNull(dir, "dir");
    columns = List.copyOf(columns);
    if (blockCacheBytes < 0) {
      throw new IllegalArgumentException("store.backend.block-cache-size must be >= 0");
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
    return new BackendConfig(dir, columns, blockCacheBytes, writeBufferBytes, sync);
  }
}
