package io.strata.core.schema;

import java.util.List;

/**
 * The RocksDB column families of a store.
 *
 * <ul>
 *   <li>{@link #KEY}: every retained version, keyed by {@code RevisionKeys.versionKey(key,
 *       revision)} so that one key's versions are adjacent, newest first; the value is a {@code
 *       VersionRecord}. Reads at any revision seek here.
 *   <li>{@link #REVISION}: the same versions keyed by revision, the value being the user key. It
 *       gives the history in revision order (watch replay) and drives compaction.
 *   <li>{@link #LEASE}: {@code leaseKey(lease, key)} for every key currently attached to a lease.
 *   <li>{@link #META}: revisions, compaction progress and the applied index (see {@link MetaKeys}).
 * </ul>
 */
public final class ColumnFamilies {
  public static final String KEY = "key";
  public static final String REVISION = "revision";
  public static final String LEASE = "lease";
  public static final String META = "meta";

  /** All of them, in the order they are opened. */
  public static final List<String> ALL = List.of(KEY, REVISION, LEASE, META);

  private ColumnFamilies() {}
}
