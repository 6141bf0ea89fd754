package io.strata.client.internal;

import io.grpc.Status;
import io.strata.client.CompactedException;
import io.strata.client.EtcdException;
import io.strata.client.LeaseNotFoundException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns gRPC failures into the client's typed exceptions by etcd's exact message, the way etcd's Go
 * client maps descriptions to {@code rpctypes} errors.
 */
public final class Errors {
  private Errors() {}

  public static EtcdException from(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof EtcdException etcd) {
      return etcd;
    }
    Status s = Status.fromThrowable(e);
    String description = s.getDescription();
    String message =
        description == null ? s.getCode().name().toLowerCase(Locale.ROOT) : description;
    if (CompactedException.MESSAGE.equals(message)) {
      return new CompactedException(-1);
    }
    if (LeaseNotFoundException.MESSAGE.equals(message)) {
      return new LeaseNotFoundException(0);
    }
    if (s.getCode() == Status.Code.UNKNOWN && description == null && e.getMessage() != null) {
      message = e.getMessage();
    }
    if (s.getCode() == Status.Code.UNAVAILABLE
        && (description == null || description.equals("io exception"))) {
      // gRPC's transport failures say little; the root cause names the endpoint and the reason.
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      message = "cannot reach the member: " + (root == e ? message : root.getMessage());
    }
    return new EtcdException(s.getCode(), message, e);
  }

  /** The failure behind {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * Whether a failed call provably never reached a member: the connection itself was refused, so a
   * write can be sent again without risk of applying it twice.
   */
  static boolean neverSent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** Whether a watch or keep-alive stream that failed with {@code t} should be reopened. */
  static boolean resumable(Throwable t) {
    return switch (Status.fromThrowable(t).getCode()) {
      case UNAVAILABLE, INTERNAL, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED -> true;
      default -> false;
    };
  }
}
