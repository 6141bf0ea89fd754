package io.strata.core;

/**
 * The root of every exception the engine throws on purpose. The message is etcd's exact
 * client-visible error string; subclasses carry the data a caller needs (revisions, lease id).
 */
public abstract sealed class StoreException extends RuntimeException
    permits CompactedException,
        FutureRevisionException,
        InvalidRequestException,
        LeaseNotFoundException,
        LeaseExistsException,
        LeaseTtlTooLargeException,
        BackendException {

  private static final long serialVersionUID = 1L;

  StoreException(String message) {
    super(message);
  }

  StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
