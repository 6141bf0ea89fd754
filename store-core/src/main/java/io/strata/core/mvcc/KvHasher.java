package io.strata.core.mvcc;

import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.schema.RevisionKeys;
import java.util.zip.CRC32C;

/**
 * etcd's HashKV idea on our layout: a CRC-32C over the versions a reader can reach. Per key, every
 * version in {@code (compactRevision, revision]} counts, and so does the newest version at or below
 * {@code compactRevision} unless it is a tombstone; superseded versions that compaction has not yet
 * removed are skipped, so the hash does not depend on how far compaction got.
 */
final class KvHasher {
  private KvHasher() {}

  static int hash(ReadView view, long revision, long compactRevision) {
    CRC32C crc = new CRC32C();
    try (KeyIterator it = view.iterator(ColumnFamilies.KEY, null)) {
      it.seekToFirst();
      byte[] previous = null;
      boolean sawCompacted = false;
      while (it.valid()) {
        byte[] versionKey = it.key();
        if (previous == null || !RevisionKeys.sameUserKey(previous, versionKey)) {
          sawCompacted = false;
        }
        previous = versionKey;
        long main = RevisionKeys.versionMain(versionKey);
        if (main <= revision) {
          if (main > compactRevision) {
            include(crc, versionKey, it.value());
          } else if (!sawCompacted) {
            sawCompacted = true;
            byte[] value = it.value();
            if (!Version.isTombstone(value)) {
              include(crc, versionKey, value);
            }
          }
        }
        it.next();
      }
    }
    return (int) crc.getValue();
  }

  private static void include(CRC32C crc, byte[] versionKey, byte[] value) {
    crc.update(versionKey);
    crc.update(value);
  }
}
