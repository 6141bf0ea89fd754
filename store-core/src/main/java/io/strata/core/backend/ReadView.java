package io.strata.core.backend;

import org.jspecify.annotations.Nullable;

/** Reads of one consistent state of the backend. Closing a view releases what it pins. */
public interface ReadView extends AutoCloseable {

  /** The value stored under {@code key} in {@code column}, or null. */
  byte @Nullable [] get(String column, byte[] key);

  /**
   * An iterator over {@code column} restricted to keys below {@code upperBound} (exclusive; null
   * for none). The iterator starts unpositioned: call a seek method first.
   */
  KeyIterator iterator(String column, byte @Nullable [] upperBound);

  @Override
  void close();
}
