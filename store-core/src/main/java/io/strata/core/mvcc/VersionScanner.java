package io.strata.core.mvcc;

import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.kv.Bytes;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.schema.RevisionKeys;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds, for each key of a range, the version visible at a revision: the newest one at or below it,
 * tombstones included (the caller drops them). Versions come from a backend view, overlaid by the
 * versions an {@link ApplyBatch} has written but not yet committed.
 *
 * <p>In the KEY column family a key's versions are adjacent and newest first, so the visible
 * version is the first one at or below the revision; reads at the current revision touch one entry
 * per key and skip the older ones with a seek.
 */
final class VersionScanner {
  /** Receives visible versions in key order; returns false to stop the scan. */
  interface Visitor {
    boolean visit(Version version);
  }

  /** How many older versions to step over with next() before seeking past them. */
  private static final int MAX_NEXT_BEFORE_SEEK = 2;

  private final ReadView view;
  private final NavigableMap<byte[], List<Version>> overlay;

  VersionScanner(ReadView view, NavigableMap<byte[], List<Version>> overlay) {
    this.view = view;
    this.overlay = overlay;
  }

  /** The version of {@code key} visible at {@code revision}, or null if it never existed. */
  @Nullable Version get(byte[] key, long revision) {
    Version pending = latestPending(overlay.get(key), revision);
    if (pending != null) {
      return pending;
    }
    try (KeyIterator it = view.iterator(ColumnFamilies.KEY, RevisionKeys.afterKey(key))) {
      it.seek(RevisionKeys.versionKey(key, revision, -1));
      if (!it.valid()) {
        return null;
      }
      byte[] versionKey = it.key();
      if (!RevisionKeys.isVersionOf(versionKey, RevisionKeys.escapedPrefix(key))) {
        return null;
      }
      return Version.decode(versionKey, it.value(), key);
    }
  }

  /** Visits the visible version of every key in {@code range} that has one, in key order. */
  void scan(KeyRange range, long revision, Visitor visitor) {
    if (range.isEmpty()) {
      return;
    }
    if (range.single()) {
      Version v = get(range.start(), revision);
      if (v != null) {
        visitor.visit(v);
      }
      return;
    }
    byte[] end = range.end();
    NavigableMap<byte[], List<Version>> pending =
        end == null
            ? overlay.tailMap(range.start(), true)
            : overlay.subMap(range.start(), true, end, false);
    Iterator<Map.Entry<byte[], List<Version>>> pendingIt = pending.entrySet().iterator();
    Map.@Nullable Entry<byte[], List<Version>> nextPending =
        pendingIt.hasNext() ? pendingIt.next() : null;

    byte[] upper = end == null ? null : RevisionKeys.keyLowerBound(end);
    try (KeyIterator it = view.iterator(ColumnFamilies.KEY, upper)) {
      it.seek(RevisionKeys.keyLowerBound(range.start()));
      while (it.valid()) {
        byte[] versionKey = it.key();
        if (RevisionKeys.versionMain(versionKey) > revision) {
          it.seek(seekAtRevision(versionKey, revision));
          continue;
        }
        byte[] userKey = RevisionKeys.versionUserKey(versionKey);
        // Pending keys before this one exist only in the batch.
        while (nextPending != null && Bytes.compare(nextPending.getKey(), userKey) < 0) {
          Version v = latestPending(nextPending.getValue(), revision);
          if (v != null && !visitor.visit(v)) {
            return;
          }
          nextPending = pendingIt.hasNext() ? pendingIt.next() : null;
        }
        Version visible = null;
        if (nextPending != null && Arrays.equals(nextPending.getKey(), userKey)) {
          visible = latestPending(nextPending.getValue(), revision);
          nextPending = pendingIt.hasNext() ? pendingIt.next() : null;
        }
        if (visible == null) {
          visible = Version.decode(versionKey, it.value(), userKey);
        }
        if (!visitor.visit(visible)) {
          return;
        }
        skipOlderVersions(it, versionKey);
      }
    }
    while (nextPending != null) {
      Version v = latestPending(nextPending.getValue(), revision);
      if (v != null && !visitor.visit(v)) {
        return;
      }
      nextPending = pendingIt.hasNext() ? pendingIt.next() : null;
    }
  }

  private static void skipOlderVersions(KeyIterator it, byte[] versionKey) {
    it.next();
    for (int stepped = 0; it.valid() && RevisionKeys.sameUserKey(versionKey, it.key()); stepped++) {
      if (stepped >= MAX_NEXT_BEFORE_SEEK) {
        it.seek(afterUserKey(versionKey));
        return;
      }
      it.next();
    }
  }

  /** The first version key of the same user key at or below {@code revision}. */
  private static byte[] seekAtRevision(byte[] versionKey, long revision) {
    byte[] target = versionKey.clone();
    int at = target.length - RevisionKeys.REVISION_BYTES;
    RevisionKeys.putLong(target, at, ~revision);
    Arrays.fill(target, at + RevisionKeys.MAIN_BYTES, target.length, (byte) 0);
    return target;
  }

  /** A key after every version of {@code versionKey}'s user key, before the next user key. */
  private static byte[] afterUserKey(byte[] versionKey) {
    byte[] target = Arrays.copyOf(versionKey, versionKey.length - RevisionKeys.REVISION_BYTES);
    target[target.length - 1] = 0x02;
    return target;
  }

  private static @Nullable Version latestPending(@Nullable List<Version> versions, long revision) {
    if (versions == null) {
      return null;
    }
    for (int i = versions.size() - 1; i >= 0; i--) {
      Version v = versions.get(i);
      if (v.main() <= revision) {
        return v;
      }
    }
    return null;
  }
}
