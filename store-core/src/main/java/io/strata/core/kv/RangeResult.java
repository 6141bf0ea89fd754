package io.strata.core.kv;

import java.util.List;

/**
 * etcd's {@code RangeResponse} body. {@code count} is the number of keys in the whole range at the
 * read revision, independent of {@code limit} and of the min/max filters; {@code more} says that
 * {@code limit} cut the result. {@code revision} is the store's current revision when the read was
 * served (etcd reports the current revision even for reads in the past).
 */
public record RangeResult(List<KeyValue> kvs, boolean more, long count, long revision) {
  public RangeResult {
    kvs = List.copyOf(kvs);
  }
}
