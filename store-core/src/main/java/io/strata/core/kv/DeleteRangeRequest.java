package io.strata.core.kv;

import java.util.Objects;

/** etcd's {@code DeleteRangeRequest}; the interval follows {@link RangeRequest}'s rules. */
// Keys are byte arrays throughout the engine; nothing compares or hashes a request, so the
// arrays' identity-based equals and hashCode are never used.
@SuppressWarnings("ArrayRecordComponent")
public record DeleteRangeRequest(byte[] key, byte[] rangeEnd, boolean prevKv) {
  public DeleteRangeRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
  }

  public static DeleteRangeRequest key(byte[] key) {
    return new DeleteRangeRequest(key, Bytes.EMPTY, false);
  }

  public static DeleteRangeRequest range(byte[] key, byte[] rangeEnd) {
    return new DeleteRangeRequest(key, rangeEnd, false);
  }

  public DeleteRangeRequest withPrevKv() {
    return new DeleteRangeRequest(key, rangeEnd, true);
  }
}
