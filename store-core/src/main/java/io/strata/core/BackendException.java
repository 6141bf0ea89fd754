package io.strata.core;

/**
 * The storage backend failed (I/O error, corruption, closed database). Unlike the other store
 * exceptions this is not an expected outcome: on the apply path it means the member must stop
 * rather than diverge from its peers.
 */
public final class BackendException extends StoreException {
  private static final long serialVersionUID = 1L;

  public BackendException(String message) {
    super(message);
  }

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
