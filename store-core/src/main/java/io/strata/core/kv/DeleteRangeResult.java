package io.strata.core.kv;

import java.util.List;

/**
 * etcd's {@code DeleteRangeResponse} body. {@code revision} is the new revision when something was
 * deleted, else the unchanged current revision.
 */
public record DeleteRangeResult(long revision, long deleted, List<KeyValue> prevKvs) {
  public DeleteRangeResult {
    prevKvs = List.copyOf(prevKvs);
  }
}
