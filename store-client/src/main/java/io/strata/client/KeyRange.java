package io.strata.client;

import com.google.protobuf.ByteString;

/** etcd's key intervals: {@code [key, rangeEnd)}, a prefix, or every key from a key on. */
public final class KeyRange {
  private static final ByteString ZERO = ByteString.copyFrom(new byte[] {0});

  private KeyRange() {}

  /**
   * The range end that selects every key with {@code prefix}: the prefix with its last byte below
   * 0xff incremented and what follows dropped; {@code "\0"} (every key) when there is no such byte.
   */
  public static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) != 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ZERO;
  }

  /** The range end meaning "every key at or after the key" ({@code "\0"}). */
  public static ByteString fromKeyEnd() {
    return ZERO;
  }
}
