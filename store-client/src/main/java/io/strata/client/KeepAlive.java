package io.strata.client;

/** A lease kept alive in the background until {@link #close}. */
public interface KeepAlive extends AutoCloseable {
  long leaseId();

  @Override
  void close();
}
