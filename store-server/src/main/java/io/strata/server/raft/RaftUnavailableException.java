package io.strata.server.raft;

/**
 * Replication could not complete: no leader, a leader change, a timeout. The message is etcd's
 * exact text for the case; etcd clients retry these (gRPC Unavailable).
 */
public final class RaftUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RaftUnavailableException(String etcdMessage, Throwable cause) {
    super(etcdMessage, cause);
  }
}
