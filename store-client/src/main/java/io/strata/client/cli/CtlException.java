package io.strata.client.cli;

/** A failure stratactl reports as one {@code Error: ...} line with etcdctl's exit code. */
final class CtlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** etcdctl's exit codes (ctlv3/command/error.go). */
  static final int EXIT_ERROR = 1;

  static final int EXIT_BAD_CONNECTION = 2;
  static final int EXIT_INVALID_INPUT = 3;
  static final int EXIT_BAD_FEATURE = 4;
  static final int EXIT_INTERRUPTED = 5;
  static final int EXIT_IO = 6;
  static final int EXIT_BAD_ARGS = 128;

  private final int exitCode;
  private final String message;

  CtlException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
    this.message = message;
  }

  /** The message after {@code Error: }; never null, unlike {@link Throwable#getMessage()}. */
  @Override
  public String getMessage() {
    return message;
  }

  int exitCode() {
    return exitCode;
  }
}
