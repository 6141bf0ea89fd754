package io.strata.core;

/** A grant named a lease id that is already in use (etcd's {@code ErrLeaseExists}). */
public final class LeaseExistsException extends StoreException {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "etcdserver: lease already exists";

  private final long leaseId;

  public LeaseExistsException(long leaseId) {
    super(MESSAGE);
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }
}
