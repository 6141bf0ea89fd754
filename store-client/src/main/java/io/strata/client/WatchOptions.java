package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import org.jspecify.annotations.Nullable;

/**
 * etcd's watch options: range end (or prefix), start revision (0 = from now), prev_kv, filters and
 * progress notifications. Immutable.
 */
public final class WatchOptions {
  public static final WatchOptions DEFAULT = builder().build();

  private final @Nullable ByteString rangeEnd;
  private final boolean prefix;
  private final long startRevision;
  private final boolean prevKv;
  private final boolean noPut;
  private final boolean noDelete;
  private final boolean progressNotify;

  private WatchOptions(Builder b) {
    this.rangeEnd = b.rangeEnd;
    this.prefix = b.prefix;
    this.startRevision = b.startRevision;
    this.prevKv = b.prevKv;
    this.noPut = b.noPut;
    this.noDelete = b.noDelete;
    this.progressNotify = b.progressNotify;
  }

  public static Builder builder() {
    return new Builder();
  }

  public long startRevision() {
    return startRevision;
  }

  /** The create request for {@code key} starting at {@code revision} (0 = now). */
  public WatchCreateRequest toRequest(ByteString key, long revision) {
    WatchCreateRequest.Builder r =
        WatchCreateRequest.newBuilder()
            .setKey(key)
            .setStartRevision(revision)
            .setPrevKv(prevKv)
            .setProgressNotify(progressNotify);
    if (prefix) {
      r.setRangeEnd(KeyRange.prefixEnd(key));
    } else if (rangeEnd != null) {
      r.setRangeEnd(rangeEnd);
    }
    if (noPut) {
      r.addFilters(WatchCreateRequest.FilterType.NOPUT);
    }
    if (noDelete) {
      r.addFilters(WatchCreateRequest.FilterType.NODELETE);
    }
    return r.build();
  }

  /** A builder; each setter mirrors the etcd field of the same name. */
  public static final class Builder {
    private @Nullable ByteString rangeEnd;
    private boolean prefix;
    private long startRevision;
    private boolean prevKv;
    private boolean noPut;
    private boolean noDelete;
    private boolean progressNotify;

    private Builder() {}

    public Builder rangeEnd(ByteString rangeEnd) {
      this.rangeEnd = rangeEnd;
      return this;
    }

    public Builder prefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    /** The first revision to deliver (inclusive); 0 means "changes after now". */
    public Builder startRevision(long startRevision) {
      this.startRevision = startRevision;
      return this;
    }

    public Builder prevKv(boolean prevKv) {
      this.prevKv = prevKv;
      return this;
    }

    public Builder noPut(boolean noPut) {
      this.noPut = noPut;
      return this;
    }

    public Builder noDelete(boolean noDelete) {
      this.noDelete = noDelete;
      return this;
    }

    public Builder progressNotify(boolean progressNotify) {
      this.progressNotify = progressNotify;
      return this;
    }

    public WatchOptions build() {
      return new WatchOptions(this);
    }
  }
}
