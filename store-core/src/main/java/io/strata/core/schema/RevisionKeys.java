package io.strata.core.schema;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Byte encodings that preserve order under unsigned lexicographic comparison.
 *
 * <p>A version key is {@code escape(key) 0x00 0x01 ~main ~sub}: the user key with each 0x00 byte
 * written as 0x00 0xff, a terminator, then the bitwise complement of the revision. Escaping keeps
 * the versions of "a" apart from those of "a\0"; the terminator sorts below any escaped byte, so
 * keys sort as the user keys do; the complement puts a key's newest version first.
 */
public final class RevisionKeys {
  public static final int MAIN_BYTES = 8;
  public static final int SUB_BYTES = 4;
  public static final int REVISION_BYTES = MAIN_BYTES + SUB_BYTES;

  private static final byte ESCAPE = (byte) 0xff;
  private static final byte TERMINATOR = 0x01;
  private static final byte AFTER_TERMINATOR = 0x02;

  private RevisionKeys() {}

  /** {@code main ‖ sub}, big-endian: sorts by revision. */
  public static byte[] revisionKey(long main, int sub) {
    byte[] out = new byte[REVISION_BYTES];
    putLong(out, 0, main);
    putInt(out, MAIN_BYTES, sub);
    return out;
  }

  public static long revisionMain(byte[] revisionKey) {
    return getLong(revisionKey, 0);
  }

  public static int revisionSub(byte[] revisionKey) {
    return getInt(revisionKey, MAIN_BYTES);
  }

  /** The escaped user key, a prefix of every version key of it and of no other key's. */
  public static byte[] escapedPrefix(byte[] key) {
    return escape(key, 0, true);
  }

  /**
   * A bound that sorts after every version key of {@code key} and before those of any greater key.
   */
  public static byte[] afterKey(byte[] key) {
    byte[] prefix = escape(key, 0, true);
    prefix[prefix.length - 1] = AFTER_TERMINATOR;
    return prefix;
  }

  /**
   * A seek target that sorts at or before every version key of every key at or after {@code key}.
   */
  public static byte[] keyLowerBound(byte[] key) {
    return escape(key, 0, false);
  }

  /** The version key of {@code key} at {@code (main, sub)}. */
  public static byte[] versionKey(byte[] key, long main, int sub) {
    byte[] out = escape(key, REVISION_BYTES, true);
    int at = out.length - REVISION_BYTES;
    putLong(out, at, ~main);
    putInt(out, at + MAIN_BYTES, ~sub);
    return out;
  }

  /** The main revision of a version key. */
  public static long versionMain(byte[] versionKey) {
    return ~getLong(versionKey, versionKey.length - REVISION_BYTES);
  }

  /** The sub revision of a version key. */
  public static int versionSub(byte[] versionKey) {
    return ~getInt(versionKey, versionKey.length - SUB_BYTES);
  }

  /** The user key of a version key. */
  public static byte[] versionUserKey(byte[] versionKey) {
    int end = versionKey.length - REVISION_BYTES - 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream(end);
    for (int i = 0; i < end; i++) {
      out.write(versionKey[i]);
      if (versionKey[i] == 0) {
        i++; // skip the escape byte
      }
    }
    return out.toByteArray();
  }

  /** Whether two version keys belong to the same user key. */
  public static boolean sameUserKey(byte[] a, byte[] b) {
    int prefix = a.length - REVISION_BYTES;
    return prefix == b.length - REVISION_BYTES && Arrays.equals(a, 0, prefix, b, 0, prefix);
  }

  /** Whether {@code versionKey} is a version of the key whose {@link #escapedPrefix} is given. */
  public static boolean isVersionOf(byte[] versionKey, byte[] escapedPrefix) {
    return versionKey.length == escapedPrefix.length + REVISION_BYTES
        && Arrays.equals(
            versionKey, 0, escapedPrefix.length, escapedPrefix, 0, escapedPrefix.length);
  }

  /** {@code lease ‖ key}, with the lease's sign bit flipped so that ids sort numerically. */
  public static byte[] leaseKey(long lease, byte[] key) {
    byte[] out = new byte[MAIN_BYTES + key.length];
    putLong(out, 0, lease ^ Long.MIN_VALUE);
    System.arraycopy(key, 0, out, MAIN_BYTES, key.length);
    return out;
  }

  /** The first {@link #leaseKey} of {@code lease}. */
  public static byte[] leasePrefix(long lease) {
    byte[] out = new byte[MAIN_BYTES];
    putLong(out, 0, lease ^ Long.MIN_VALUE);
    return out;
  }

  public static byte[] leaseKeyUserKey(byte[] leaseKey) {
    return Arrays.copyOfRange(leaseKey, MAIN_BYTES, leaseKey.length);
  }

  public static byte[] longBytes(long v) {
    byte[] out = new byte[8];
    putLong(out, 0, v);
    return out;
  }

  public static void putLong(byte[] out, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      out[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  public static long getLong(byte[] in, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (in[at + i] & 0xff);
    }
    return v;
  }

  private static void putInt(byte[] out, int at, int v) {
    for (int i = 3; i >= 0; i--) {
      out[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  private static int getInt(byte[] in, int at) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (in[at + i] & 0xff);
    }
    return v;
  }

  /** Escapes {@code key}, then adds the terminator if asked and {@code extra} spare bytes. */
  private static byte[] escape(byte[] key, int extra, boolean terminate) {
    int zeros = 0;
    for (byte b : key) {
      if (b == 0) {
        zeros++;
      }
    }
    byte[] out = new byte[key.length + zeros + (terminate ? 2 : 0) + extra];
    int at = 0;
    for (byte b : key) {
      out[at++] = b;
      if (b == 0) {
        out[at++] = ESCAPE;
      }
    }
    if (terminate) {
      out[at++] = 0;
      out[at] = TERMINATOR;
    }
    return out;
  }
}
