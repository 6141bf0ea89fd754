package io.strata.core.kv;

/** etcd's {@code RangeRequest.SortTarget}; ordinals are etcd's wire numbers. */
public enum SortTarget {
  KEY,
  VERSION,
  CREATE,
  MOD,
  VALUE
}
