package io.strata.core.kv;

import java.util.Objects;

/**
 * etcd's {@code Compare}: a predicate on one key or, with {@code rangeEnd}, on every key of a
 * range. Numeric targets (VERSION, CREATE, MOD, LEASE) use {@code number}; VALUE uses {@code
 * value}. A missing key compares as 0 on numeric targets, and a VALUE compare on a missing key is
 * always false.
 */
// Keys and values are byte arrays throughout the engine; nothing compares or hashes a Compare,
// so the arrays' identity-based equals and hashCode are never used.
@SuppressWarnings("ArrayRecordComponent")
public record Compare(
    byte[] key, byte[] rangeEnd, Target target, Result result, long number, byte[] value) {

  /** etcd's {@code CompareTarget}; ordinals are etcd's wire numbers. */
  public enum Target {
    VERSION,
    CREATE,
    MOD,
    VALUE,
    LEASE
  }

  /** etcd's {@code CompareResult}; ordinals are etcd's wire numbers. */
  public enum Result {
    EQUAL,
    GREATER,
    LESS,
    NOT_EQUAL
  }

  public Compare {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(value, "value");
  }

  public static Compare number(byte[] key, Target target, Result result, long number) {
    return new Compare(key, Bytes.EMPTY, target, result, number, Bytes.EMPTY);
  }

  public static Compare value(byte[] key, Result result, byte[] value) {
    return new Compare(key, Bytes.EMPTY, Target.VALUE, result, 0, value);
  }

  public Compare withRangeEnd(byte[] end) {
    return new Compare(key, end, target, result, number, value);
  }
}
