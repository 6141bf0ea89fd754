package io.strata.core.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}: {@code createRevision} is the revision
 * of the put that created the key since its last delete, {@code modRevision} the revision of this
 * version, {@code version} counts modifications since creation (1 for the creating put, reset by
 * delete), and {@code lease} is the attached lease id or 0.
 *
 * <p>A DELETE event carries a key value with only {@code key} and {@code modRevision} set, as etcd
 * sends it.
 */
// Keys and values are byte arrays throughout the engine; equals, hashCode and toString below use
// the arrays' contents.
@SuppressWarnings("ArrayRecordComponent")
public record KeyValue(
    byte[] key, long createRevision, long modRevision, long version, byte[] value, long lease) {

  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** The tombstone form etcd puts in DELETE events. */
  public static KeyValue deleted(byte[] key, long modRevision) {
    return new KeyValue(key, 0, modRevision, 0, Bytes.EMPTY, 0);
  }

  /** This key value without its value, for {@code keys_only} reads. */
  public KeyValue withoutValue() {
    return value.length == 0
        ? this
        : new KeyValue(key, createRevision, modRevision, version, Bytes.EMPTY, lease);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && createRevision == kv.createRevision
        && modRevision == kv.modRevision
        && version == kv.version
        && lease == kv.lease
        && Arrays.equals(key, kv.key)
        && Arrays.equals(value, kv.value);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(key);
    h = 31 * h + Long.hashCode(modRevision);
    h = 31 * h + Long.hashCode(createRevision);
    h = 31 * h + Long.hashCode(version);
    h = 31 * h + Long.hashCode(lease);
    return 31 * h + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "KeyValue{key="
        + Bytes.toDisplay(key)
        + ", create="
        + createRevision
        + ", mod="
        + modRevision
        + ", version="
        + version
        + ", lease="
        + lease
        + ", value="
        + (value.length > 32 ? value.length + " bytes" : Bytes.toDisplay(value))
        + "}";
  }
}
