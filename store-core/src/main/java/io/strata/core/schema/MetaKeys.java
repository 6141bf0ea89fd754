package io.strata.core.schema;

import java.nio.charset.StandardCharsets;

/** The keys of the {@link ColumnFamilies#META} column family, each holding big-endian longs. */
public final class MetaKeys {
  /** The store's current main revision (8 bytes). */
  public static final byte[] REVISION = bytes("revision");

  /** The compact revision accepted by the last Compact request (8 bytes). */
  public static final byte[] SCHEDULED_COMPACT = bytes("scheduled_compact_revision");

  /** The revision up to which old versions are physically removed (8 bytes). */
  public static final byte[] FINISHED_COMPACT = bytes("finished_compact_revision");

  /** The caller's marker of the last applied write: term then index (16 bytes). */
  public static final byte[] APPLIED_INDEX = bytes("applied_index");

  /** The storage format version, checked on open (8 bytes). */
  public static final byte[] FORMAT = bytes("format");

  /** The format this code writes and reads. */
  public static final long CURRENT_FORMAT = 1;

  private static final String STATE_PREFIX = "state/";

  private MetaKeys() {}

  /** The key of a member-state value named {@code name} (kept apart from the engine's keys). */
  public static byte[] stateKey(String name) {
    return bytes(STATE_PREFIX + name);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
