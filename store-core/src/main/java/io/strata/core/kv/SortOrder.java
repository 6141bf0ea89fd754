package io.strata.core.kv;

/** etcd's {@code RangeRequest.SortOrder}; ordinals are etcd's wire numbers. */
public enum SortOrder {
  NONE,
  ASCEND,
  DESCEND
}
