package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import org.jspecify.annotations.Nullable;

/** etcd's DeleteRange options: range end (or prefix, from-key) and prev_kv. Immutable. */
public final class DeleteOptions {
  public static final DeleteOptions DEFAULT = builder().build();

  private final @Nullable ByteString rangeEnd;
  private final boolean prefix;
  private final boolean fromKey;
  private final boolean prevKv;

  private DeleteOptions(Builder b) {
    this.rangeEnd = b.rangeEnd;
    this.prefix = b.prefix;
    this.fromKey = b.fromKey;
    this.prevKv = b.prevKv;
  }

  public static Builder builder() {
    return new Builder();
  }

  public DeleteRangeRequest toRequest(ByteString key) {
    DeleteRangeRequest.Builder r = DeleteRangeRequest.newBuilder().setKey(key).setPrevKv(prevKv);
    if (prefix) {
      r.setRangeEnd(KeyRange.prefixEnd(key));
    } else if (fromKey) {
      r.setRangeEnd(KeyRange.fromKeyEnd());
    } else if (rangeEnd != null) {
      r.setRangeEnd(rangeEnd);
    }
    return r.build();
  }

  /** A builder; each setter mirrors the etcd field of the same name. */
  public static final class Builder {
    private @Nullable ByteString rangeEnd;
    private boolean prefix;
    private boolean fromKey;
    private boolean prevKv;

    private Builder() {}

    public Builder rangeEnd(ByteString rangeEnd) {
      this.rangeEnd = rangeEnd;
      return this;
    }

    public Builder prefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    public Builder fromKey(boolean fromKey) {
      this.fromKey = fromKey;
      return this;
    }

    public Builder prevKv(boolean prevKv) {
      this.prevKv = prevKv;
      return this;
    }

    public DeleteOptions build() {
      return new DeleteOptions(this);
    }
  }
}
