package io.strata.core;

/** A grant asked for a TTL above etcd's maximum (etcd's {@code ErrLeaseTTLTooLarge}). */
public final class LeaseTtlTooLargeException extends StoreException {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "etcdserver: too large lease TTL";

  private final long ttl;

  public LeaseTtlTooLargeException(long ttl) {
    super(MESSAGE);
    this.ttl = ttl;
  }

  /** The refused TTL in seconds. */
  public long ttl() {
    return ttl;
  }
}
