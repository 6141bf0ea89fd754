package io.strata.client;

import io.grpc.Status;

/** The lease does not exist, or expired ({@code etcdserver: requested lease not found}). */
public final class LeaseNotFoundException extends EtcdException {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "etcdserver: requested lease not found";

  private final long leaseId;

  public LeaseNotFoundException(long leaseId) {
    super(Status.Code.NOT_FOUND, MESSAGE);
    this.leaseId = leaseId;
  }

  /** The lease asked about, or 0 when the server did not say which. */
  public long leaseId() {
    return leaseId;
  }
}
