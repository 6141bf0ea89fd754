package io.strata.core.kv;

import java.util.Objects;

/**
 * etcd's {@code PutRequest}. {@code ignoreValue} keeps the current value (the request's value must
 * be empty) and {@code ignoreLease} keeps the current lease (the request's lease must be 0); both
 * require the key to exist.
 */
// Keys and values are byte arrays throughout the engine; nothing compares or hashes a request, so
// the arrays' identity-based equals and hashCode are never used.
@SuppressWarnings("ArrayRecordComponent")
public record PutRequest(
    byte[] key,
    byte[] value,
    long lease,
    boolean prevKv,
    boolean ignoreValue,
    boolean ignoreLease) {

  public PutRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public static PutRequest of(byte[] key, byte[] value) {
    return new PutRequest(key, value, 0, false, false, false);
  }

  public static PutRequest of(byte[] key, byte[] value, long lease) {
    return new PutRequest(key, value, lease, false, false, false);
  }

  public PutRequest withPrevKv() {
    return new PutRequest(key, value, lease, true, ignoreValue, ignoreLease);
  }
}
