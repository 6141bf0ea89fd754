package io.strata.core.kv;

import java.util.List;

/**
 * etcd's {@code TxnResponse} body. {@code revision} is the transaction's revision if it wrote
 * something, else the unchanged current revision.
 */
public record TxnResult(long revision, boolean succeeded, List<OpResult> responses) {
  public TxnResult {
    responses = List.copyOf(responses);
  }
}
