package io.strata.core.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-string helpers with etcd's key conventions (unsigned lexicographic order). */
public final class Bytes {
  public static final byte[] EMPTY = new byte[0];

  /** The range end that etcd reads as "every key at or after the start key". */
  private static final byte[] NUL = {0};

  private Bytes() {}

  /** Unsigned lexicographic comparison, the order of etcd and RocksDB's default comparator. */
  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The smallest key greater than every key starting with {@code prefix} (etcd's {@code
   * GetPrefixRangeEnd}): the last byte below 0xff incremented, trailing 0xff bytes dropped. A
   * prefix of only 0xff bytes (or an empty one) yields {@code "\0"}, meaning "no upper bound".
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if ((prefix[i] & 0xff) != 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return NUL.clone();
  }

  /** Whether a range end means "no upper bound" ({@code "\0"}). */
  public static boolean isUnbounded(byte[] rangeEnd) {
    return rangeEnd.length == 1 && rangeEnd[0] == 0;
  }

  /** A short printable form for logs and test failures: printable ASCII kept, others escaped. */
  public static String toDisplay(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }
}
