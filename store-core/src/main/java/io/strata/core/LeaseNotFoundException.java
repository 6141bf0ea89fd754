package io.strata.core;

/** A write named a lease that does not exist (etcd's {@code ErrLeaseNotFound}). */
public final class LeaseNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "etcdserver: requested lease not found";

  private final long leaseId;

  public LeaseNotFoundException(long leaseId) {
    super(MESSAGE);
    this.leaseId = leaseId;
  }

  public long leaseId() {
    return leaseId;
  }
}
