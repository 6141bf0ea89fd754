package io.strata.server.faults.check;

import org.jspecify.annotations.Nullable;

/**
 * One committed change as a watch delivers it: a put or a delete of {@code key} at {@code
 * revision}. For a put, {@code value}, {@code createRevision} and {@code version} describe the new
 * version; for a delete they are {@code null} and 0.
 */
public record Event(
    long revision,
    boolean delete,
    String key,
    @Nullable String value,
    long createRevision,
    long version) {

  public static Event put(long revision, String key, String value, long createRevision) {
    return new Event(revision, false, key, value, createRevision, 0);
  }

  public static Event delete(long revision, String key) {
    return new Event(revision, true, key, null, 0, 0);
  }

  /** Identity for comparing watch streams: version is not compared (histories may omit it). */
  public boolean sameAs(Event o) {
    return revision == o.revision
        && delete == o.delete
        && key.equals(o.key)
        && java.util.Objects.equals(value, o.value);
  }

  @Override
  public String toString() {
    return (delete ? "DELETE " : "PUT ") + key + (delete ? "" : "=" + value) + " @" + revision;
  }
}
