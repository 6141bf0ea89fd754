package io.strata.core.backend;

/**
 * A cursor over one column family in ascending key order. {@link #key} and {@link #value} may only
 * be called while {@link #valid}; the returned arrays belong to the caller.
 */
public interface KeyIterator extends AutoCloseable {

  /** Positions at the first key at or after {@code target}. */
  void seek(byte[] target);

  /** Positions at the last key at or before {@code target}. */
  void seekForPrev(byte[] target);

  void seekToFirst();

  void seekToLast();

  boolean valid();

  void next();

  void prev();

  byte[] key();

  byte[] value();

  @Override
  void close();
}
