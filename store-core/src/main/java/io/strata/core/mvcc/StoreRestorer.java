package io.strata.core.mvcc;

import io.strata.core.backend.Backend;
import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.schema.MetaKeys;
import io.strata.core.schema.RevisionKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a store copied from a snapshot into the first state of a new cluster, as etcd's {@code
 * snapshot restore} does: the applied index is cleared (the new cluster's Raft log starts at 1),
 * member-state entries of the old cluster named by the caller are dropped, and, so that watchers
 * and caches of the old cluster re-list instead of seeing revisions go backwards, the revision can
 * be bumped and everything before it marked compacted (etcd's {@code --bump-revision} and {@code
 * --mark-compacted}). Keys, values, their revisions and the leases are kept as they are.
 */
public final class StoreRestorer {
  /**
   * What a restore did.
   *
   * @param sourceRevision the snapshot's revision
   * @param revision the restored store's revision
   * @param compactRevision its compact revision (reads below it get the compacted error)
   */
  public record Restored(long sourceRevision, long revision, long compactRevision) {}

  private StoreRestorer() {}

  /**
   * Rewrites the store's metadata in one atomic write. Call on a backend no one else uses, before
   * the store is opened.
   *
   * @param bumpRevision added to the revision (0 keeps it)
   * @param markCompacted whether every revision before the new one becomes compacted
   * @param dropStatePrefixes member-state names to remove (for example the old members)
   */
  public static Restored prepare(
      Backend backend, long bumpRevision, boolean markCompacted, List<String> dropStatePrefixes) {
    if (bumpRevision < 0) {
      throw new IllegalArgumentException("--bump-revision must not be negative");
    }
    try (ReadView view = backend.latest();
        WriteBatch batch = backend.newBatch()) {
      byte[] rev = view.get(ColumnFamilies.META, MetaKeys.REVISION);
      long source = rev == null ? 1 : RevisionKeys.getLong(rev, 0);
      byte[] scheduled = view.get(ColumnFamilies.META, MetaKeys.SCHEDULED_COMPACT);
      long compact = scheduled == null ? 0 : RevisionKeys.getLong(scheduled, 0);
      long revision = source + bumpRevision;
      batch.put(ColumnFamilies.META, MetaKeys.REVISION, RevisionKeys.longBytes(revision));
      if (markCompacted) {
        // MvccStore resumes a compaction whose finished mark is behind: old versions go too.
        compact = revision;
        batch.put(ColumnFamilies.META, MetaKeys.SCHEDULED_COMPACT, RevisionKeys.longBytes(compact));
      }
      batch.delete(ColumnFamilies.META, MetaKeys.APPLIED_INDEX);
      for (String prefix : dropStatePrefixes) {
        for (byte[] key : stateKeys(view, MetaKeys.stateKey(prefix))) {
          batch.delete(ColumnFamilies.META, key);
        }
      }
      backend.write(batch);
      return new Restored(source, revision, compact);
    }
  }

  private static List<byte[]> stateKeys(ReadView view, byte[] prefix) {
    List<byte[]> keys = new ArrayList<>();
    try (KeyIterator it = view.iterator(ColumnFamilies.META, null)) {
      for (it.seek(prefix); it.valid(); it.next()) {
        byte[] key = it.key();
        if (key.length < prefix.length
            || !java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        keys.add(key);
      }
    }
    return keys;
  }
}
