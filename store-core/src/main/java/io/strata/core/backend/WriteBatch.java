package io.strata.core.backend;

/** Puts and deletes collected to be applied atomically by {@link Backend#write}. */
public interface WriteBatch extends AutoCloseable {

  void put(String column, byte[] key, byte[] value);

  void delete(String column, byte[] key);

  /** The number of puts and deletes collected. */
  int count();

  /** The approximate serialized size in bytes. */
  long sizeInBytes();

  @Override
  void close();
}
