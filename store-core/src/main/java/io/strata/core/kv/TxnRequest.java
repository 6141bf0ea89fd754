package io.strata.core.kv;

import java.util.List;

/**
 * etcd's {@code TxnRequest}: if every compare holds, the success ops run, else the failure ops, all
 * at one revision. Compares, including those of nested transactions, are evaluated against the
 * state before the transaction.
 */
public record TxnRequest(List<Compare> compare, List<Op> success, List<Op> failure) {
  public TxnRequest {
    compare = List.copyOf(compare);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }
}
