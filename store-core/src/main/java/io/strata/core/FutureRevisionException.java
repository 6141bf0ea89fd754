package io.strata.core;

/** A revision above the store's current revision was asked for (etcd's {@code ErrFutureRev}). */
public final class FutureRevisionException extends StoreException {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "etcdserver: mvcc: required revision is a future revision";

  private final long currentRevision;

  public FutureRevisionException(long currentRevision) {
    super(MESSAGE);
    this.currentRevision = currentRevision;
  }

  /** The store's current revision when the request was refused. */
  public long currentRevision() {
    return currentRevision;
  }
}
