package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.RangeRequest;
import java.util.Objects;

/**
 * Every option of etcd's Range: the range end (or prefix), revision, limit, sort, serializable,
 * keys-only, count-only and the mod/create revision filters. Immutable; {@link #DEFAULT} reads one
 * key, linearizably, at the latest revision.
 */
public final class GetOptions {
  public static final GetOptions DEFAULT = builder().build();

  private final RangeRequest template;
  private final boolean prefix;
  private final boolean fromKey;

  private GetOptions(Builder b) {
    this.template = b.request.build();
    this.prefix = b.prefix;
    this.fromKey = b.fromKey;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The Range request for {@code key} with these options. */
  public RangeRequest toRequest(ByteString key) {
    RangeRequest.Builder r = template.toBuilder().setKey(key);
    if (prefix) {
      r.setRangeEnd(KeyRange.prefixEnd(key));
    } else if (fromKey) {
      r.setRangeEnd(KeyRange.fromKeyEnd());
    }
    return r.build();
  }

  /** A builder; each setter mirrors the etcd field of the same name. */
  public static final class Builder {
    private final RangeRequest.Builder request = RangeRequest.newBuilder();
    private boolean prefix;
    private boolean fromKey;

    private Builder() {}

    public Builder rangeEnd(ByteString rangeEnd) {
      request.setRangeEnd(Objects.requireNonNull(rangeEnd, "rangeEnd"));
      return this;
    }

    /** Every key that starts with the key given to {@link KV#get}. */
    public Builder prefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Every key at or after the key given to {@link KV#get}. */
    public Builder fromKey(boolean fromKey) {
      this.fromKey = fromKey;
      return this;
    }

    public Builder revision(long revision) {
      request.setRevision(revision);
      return this;
    }

    public Builder limit(long limit) {
      request.setLimit(limit);
      return this;
    }

    public Builder sort(SortTarget target, SortOrder order) {
      request.setSortTarget(
          switch (target) {
            case KEY -> RangeRequest.SortTarget.KEY;
            case VERSION -> RangeRequest.SortTarget.VERSION;
            case CREATE -> RangeRequest.SortTarget.CREATE;
            case MOD -> RangeRequest.SortTarget.MOD;
            case VALUE -> RangeRequest.SortTarget.VALUE;
          });
      request.setSortOrder(
          switch (order) {
            case NONE -> RangeRequest.SortOrder.NONE;
            case ASCEND -> RangeRequest.SortOrder.ASCEND;
            case DESCEND -> RangeRequest.SortOrder.DESCEND;
          });
      return this;
    }

    public Builder serializable(boolean serializable) {
      request.setSerializable(serializable);
      return this;
    }

    public Builder keysOnly(boolean keysOnly) {
      request.setKeysOnly(keysOnly);
      return this;
    }

    public Builder countOnly(boolean countOnly) {
      request.setCountOnly(countOnly);
      return this;
    }

    public Builder minModRevision(long revision) {
      request.setMinModRevision(revision);
      return this;
    }

    public Builder maxModRevision(long revision) {
      request.setMaxModRevision(revision);
      return this;
    }

    public Builder minCreateRevision(long revision) {
      request.setMinCreateRevision(revision);
      return this;
    }

    public Builder maxCreateRevision(long revision) {
      request.setMaxCreateRevision(revision);
      return this;
    }

    public GetOptions build() {
      return new GetOptions(this);
    }
  }
}
