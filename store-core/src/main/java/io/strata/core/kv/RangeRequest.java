package io.strata.core.kv;

import java.util.Objects;

/**
 * etcd's {@code RangeRequest}. The interval is {@code [key, rangeEnd)}: an empty {@code rangeEnd}
 * means the single key, {@code "\0"} means every key at or after {@code key}, and {@code key =
 * rangeEnd = "\0"} means every key. {@code limit} 0 is unlimited; {@code revision} 0 or below means
 * the current revision. The min/max revision filters are ignored when 0.
 */
// Keys are byte arrays throughout the engine; nothing compares or hashes a request, so the
// arrays' identity-based equals and hashCode are never used.
@SuppressWarnings("ArrayRecordComponent")
public record RangeRequest(
    byte[] key,
    byte[] rangeEnd,
    long limit,
    long revision,
    SortOrder sortOrder,
    SortTarget sortTarget,
    boolean keysOnly,
    boolean countOnly,
    long minModRevision,
    long maxModRevision,
    long minCreateRevision,
    long maxCreateRevision) {

  public RangeRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rangeEnd, "rangeEnd");
    Objects.requireNonNull(sortOrder, "sortOrder");
    Objects.requireNonNull(sortTarget, "sortTarget");
  }

  /** A single-key read at the current revision. */
  public static RangeRequest get(byte[] key) {
    return builder(key).build();
  }

  /** A read of {@code [key, rangeEnd)} at the current revision. */
  public static RangeRequest range(byte[] key, byte[] rangeEnd) {
    return builder(key).rangeEnd(rangeEnd).build();
  }

  public static Builder builder(byte[] key) {
    return new Builder(key);
  }

  public Builder toBuilder() {
    return new Builder(key)
        .rangeEnd(rangeEnd)
        .limit(limit)
        .revision(revision)
        .sort(sortTarget, sortOrder)
        .keysOnly(keysOnly)
        .countOnly(countOnly)
        .minModRevision(minModRevision)
        .maxModRevision(maxModRevision)
        .minCreateRevision(minCreateRevision)
        .maxCreateRevision(maxCreateRevision);
  }

  /** Builds a {@link RangeRequest}; every field defaults to etcd's zero value. */
  public static final class Builder {
    private final byte[] key;
    private byte[] rangeEnd = Bytes.EMPTY;
    private long limit;
    private long revision;
    private SortOrder sortOrder = SortOrder.NONE;
    private SortTarget sortTarget = SortTarget.KEY;
    private boolean keysOnly;
    private boolean countOnly;
    private long minModRevision;
    private long maxModRevision;
    private long minCreateRevision;
    private long maxCreateRevision;

    private Builder(byte[] key) {
      this.key = key;
    }

    public Builder rangeEnd(byte[] rangeEnd) {
      this.rangeEnd = rangeEnd;
      return this;
    }

    /** Reads every key starting with the builder's key. */
    public Builder prefix() {
      this.rangeEnd = Bytes.prefixEnd(key);
      return this;
    }

    public Builder limit(long limit) {
      this.limit = limit;
      return this;
    }

    public Builder revision(long revision) {
      this.revision = revision;
      return this;
    }

    public Builder sort(SortTarget target, SortOrder order) {
      this.sortTarget = target;
      this.sortOrder = order;
      return this;
    }

    public Builder keysOnly(boolean keysOnly) {
      this.keysOnly = keysOnly;
      return this;
    }

    public Builder countOnly(boolean countOnly) {
      this.countOnly = countOnly;
      return this;
    }

    public Builder minModRevision(long v) {
      this.minModRevision = v;
      return this;
    }

    public Builder maxModRevision(long v) {
      this.maxModRevision = v;
      return this;
    }

    public Builder minCreateRevision(long v) {
      this.minCreateRevision = v;
      return this;
    }

    public Builder maxCreateRevision(long v) {
      this.maxCreateRevision = v;
      return this;
    }

    public RangeRequest build() {
      return new RangeRequest(
          key,
          rangeEnd,
          limit,
          revision,
          sortOrder,
          sortTarget,
          keysOnly,
          countOnly,
          minModRevision,
          maxModRevision,
          minCreateRevision,
          maxCreateRevision);
    }
  }
}
