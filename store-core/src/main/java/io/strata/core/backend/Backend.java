package io.strata.core.backend;

import java.nio.file.Path;

/**
 * An ordered key-value store with column families, atomic batches and consistent read views.
 *
 * <p>Thread safety: all methods may be called concurrently. Batches from different threads are
 * applied in some serial order; each is atomic, including after a crash of the process.
 */
public interface Backend extends AutoCloseable {

  /** A consistent point-in-time view; it must be closed. Reads of it never block writes. */
  ReadView openView();

  /** A view of the latest data: each read sees everything written before it started. */
  ReadView latest();

  /** A new, empty batch of puts and deletes. */
  WriteBatch newBatch();

  /**
   * Applies the batch atomically. It is durable against a crash of the process when this returns,
   * and against a crash of the machine too when the backend was opened with {@code syncWrites}.
   *
   * @throws io.strata.core.BackendException if the write failed; the batch was not applied
   */
  void write(WriteBatch batch);

  /**
   * Writes a consistent copy of the whole store to {@code dir}, which must not exist, such that
   * opening {@code dir} yields the same contents. The copy is durable when this returns.
   */
  void checkpoint(Path dir);

  /** The approximate size of the store on disk, in bytes (etcd's db size). */
  long approximateSize();

  /** The approximate size of the live data, in bytes (etcd's db size in use). */
  long approximateLiveSize();

  /** Compacts the whole key space of every column family (online; etcd's defragment). */
  void compactAll();

  /** Flushes and releases everything; further use fails. */
  @Override
  void close();
}
