package io.strata.core.mvcc;

import io.strata.core.kv.Bytes;
import io.strata.core.kv.KeyValue;
import io.strata.core.schema.RevisionKeys;

/**
 * One stored version of a key at revision {@code (main, sub)}: either a live value or a tombstone
 * left by a delete. The value layout in the KEY column family is {@code kind(1) createRevision(8)
 * version(8) lease(8) value(rest)}; a tombstone is the single kind byte.
 */
// Keys and values are byte arrays throughout the engine; nothing compares or hashes a Version, so
// the arrays' identity-based equals and hashCode are never used.
@SuppressWarnings("ArrayRecordComponent")
record Version(
    byte[] key,
    long main,
    int sub,
    boolean tombstone,
    long createRevision,
    long version,
    long lease,
    byte[] value) {

  private static final byte LIVE = 0;
  private static final byte TOMBSTONE = 1;
  private static final int HEADER = 1 + 8 + 8 + 8;

  static Version live(
      byte[] key, long main, int sub, long createRevision, long version, long lease, byte[] value) {
    return new Version(key, main, sub, false, createRevision, version, lease, value);
  }

  static Version tombstone(byte[] key, long main, int sub) {
    return new Version(key, main, sub, true, 0, 0, 0, Bytes.EMPTY);
  }

  byte[] versionKey() {
    return RevisionKeys.versionKey(key, main, sub);
  }

  byte[] revisionKey() {
    return RevisionKeys.revisionKey(main, sub);
  }

  /** The etcd view of this version; a tombstone gives the DELETE-event form. */
  KeyValue toKeyValue() {
    return tombstone
        ? KeyValue.deleted(key, main)
        : new KeyValue(key, createRevision, main, version, value, lease);
  }

  byte[] encodeValue() {
    if (tombstone) {
      return new byte[] {TOMBSTONE};
    }
    byte[] out = new byte[HEADER + value.length];
    out[0] = LIVE;
    RevisionKeys.putLong(out, 1, createRevision);
    RevisionKeys.putLong(out, 9, version);
    RevisionKeys.putLong(out, 17, lease);
    System.arraycopy(value, 0, out, HEADER, value.length);
    return out;
  }

  /** Decodes a KEY column family entry; {@code userKey} may be passed when already known. */
  static Version decode(byte[] versionKey, byte[] stored, byte[] userKey) {
    long main = RevisionKeys.versionMain(versionKey);
    int sub = RevisionKeys.versionSub(versionKey);
    if (stored[0] == TOMBSTONE) {
      return tombstone(userKey, main, sub);
    }
    byte[] value = new byte[stored.length - HEADER];
    System.arraycopy(stored, HEADER, value, 0, value.length);
    return live(
        userKey,
        main,
        sub,
        RevisionKeys.getLong(stored, 1),
        RevisionKeys.getLong(stored, 9),
        RevisionKeys.getLong(stored, 17),
        value);
  }

  static Version decode(byte[] versionKey, byte[] stored) {
    return decode(versionKey, stored, RevisionKeys.versionUserKey(versionKey));
  }

  static boolean isTombstone(byte[] stored) {
    return stored[0] == TOMBSTONE;
  }
}
