package io.strata.server.config;

/** An invalid flag, file or value; the message names the flag and says what is wrong. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
