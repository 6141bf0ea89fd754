package io.strata.client;

import io.grpc.Status;

/**
 * A failed call, carrying etcd's gRPC code and its exact error message (for example {@code
 * etcdserver: requested lease not found}), which etcd clients match on. Subclasses name the errors
 * callers commonly handle.
 */
public class EtcdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String message;

  public EtcdException(Status.Code code, String message) {
    super(message);
    this.code = code;
    this.message = message;
  }

  public EtcdException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.message = message;
  }

  /** etcd's message: never null, unlike {@link Throwable#getMessage()} in general. */
  @Override
  public String getMessage() {
    return message;
  }

  /** The gRPC status code etcd answered with. */
  public Status.Code code() {
    return code;
  }

  /** Whether the call may be retried as is (etcd's "unavailable": no leader, member down). */
  public boolean isUnavailable() {
    return code == Status.Code.UNAVAILABLE;
  }
}
