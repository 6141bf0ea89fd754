package io.strata.client;

import io.grpc.Status;

/**
 * The requested revision has been compacted ({@code etcdserver: mvcc: required revision has been
 * compacted}). For a watch, {@link #compactRevision()} is the compact revision the server reported:
 * the watch cannot resume, and a cache must re-list. For a read it is not known (-1).
 */
public final class CompactedException extends EtcdException {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "etcdserver: mvcc: required revision has been compacted";

  private final long compactRevision;

  public CompactedException(long compactRevision) {
    super(Status.Code.OUT_OF_RANGE, MESSAGE);
    this.compactRevision = compactRevision;
  }

  public long compactRevision() {
    return compactRevision;
  }
}
