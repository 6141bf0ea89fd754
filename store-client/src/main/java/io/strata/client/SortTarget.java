package io.strata.client;

/** What {@link KV#get} sorts by (etcd's {@code RangeRequest.SortTarget}). */
public enum SortTarget {
  KEY,
  VERSION,
  CREATE,
  MOD,
  VALUE
}
