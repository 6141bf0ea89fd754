package io.strata.client;

/** How {@link KV#get} sorts (etcd's {@code RangeRequest.SortOrder}). */
public enum SortOrder {
  NONE,
  ASCEND,
  DESCEND
}
