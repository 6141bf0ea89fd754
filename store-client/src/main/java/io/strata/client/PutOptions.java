package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.PutRequest;

/** etcd's Put options: lease, prev_kv, ignore_value, ignore_lease. Immutable. */
public final class PutOptions {
  public static final PutOptions DEFAULT = builder().build();

  private final long lease;
  private final boolean prevKv;
  private final boolean ignoreValue;
  private final boolean ignoreLease;

  private PutOptions(Builder b) {
    this.lease = b.lease;
    this.prevKv = b.prevKv;
    this.ignoreValue = b.ignoreValue;
    this.ignoreLease = b.ignoreLease;
  }

  public static Builder builder() {
    return new Builder();
  }

  public PutRequest toRequest(ByteString key, ByteString value) {
    return PutRequest.newBuilder()
        .setKey(key)
        .setValue(value)
        .setLease(lease)
        .setPrevKv(prevKv)
        .setIgnoreValue(ignoreValue)
        .setIgnoreLease(ignoreLease)
        .build();
  }

  /** A builder; each setter mirrors the etcd field of the same name. */
  public static final class Builder {
    private long lease;
    private boolean prevKv;
    private boolean ignoreValue;
    private boolean ignoreLease;

    private Builder() {}

    public Builder lease(long lease) {
      this.lease = lease;
      return this;
    }

    public Builder prevKv(boolean prevKv) {
      this.prevKv = prevKv;
      return this;
    }

    public Builder ignoreValue(boolean ignoreValue) {
      this.ignoreValue = ignoreValue;
      return this;
    }

    public Builder ignoreLease(boolean ignoreLease) {
      this.ignoreLease = ignoreLease;
      return this;
    }

    public PutOptions build() {
      return new PutOptions(this);
    }
  }
}
