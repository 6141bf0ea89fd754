package io.strata.client;

/** A running watch. {@link #close} cancels it; the listener then gets {@code onCompleted}. */
public interface Watcher extends AutoCloseable {
  /** The next revision this watch will deliver (the last delivered revision + 1). */
  long nextRevision();

  @Override
  void close();
}
