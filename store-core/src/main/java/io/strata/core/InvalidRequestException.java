package io.strata.core;

/**
 * A request that etcd rejects as malformed before touching any data. The {@link Reason} names the
 * rule and carries etcd's exact message (all are gRPC {@code InvalidArgument} in etcd).
 */
public final class InvalidRequestException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** The validation rules the engine enforces, with etcd's messages. */
  public enum Reason {
    KEY_NOT_PROVIDED("etcdserver: key is not provided"),
    KEY_NOT_FOUND("etcdserver: key not found"),
    VALUE_PROVIDED("etcdserver: value is provided"),
    LEASE_PROVIDED("etcdserver: lease is provided"),
    TOO_MANY_OPS("etcdserver: too many operations in txn request"),
    DUPLICATE_KEY("etcdserver: duplicate key given in txn request"),
    INVALID_SORT_OPTION("etcdserver: invalid sort option");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }
  }

  private final Reason reason;

  public InvalidRequestException(Reason reason) {
    super(reason.message());
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
