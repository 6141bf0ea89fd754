package io.strata.core;

/** A revision at or below the compacted revision was asked for (etcd's {@code ErrCompacted}). */
public final class CompactedException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** etcd's message, matched literally by clients (for example kube-apiserver's HTTP 410). */
  public static final String MESSAGE = "etcdserver: mvcc: required revision has been compacted";

  private final long compactRevision;

  public CompactedException(long compactRevision) {
    super(MESSAGE);
    this.compactRevision = compactRevision;
  }

  /** The store's compact revision when the request was refused. */
  public long compactRevision() {
    return compactRevision;
  }
}
