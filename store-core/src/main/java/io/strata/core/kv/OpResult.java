package io.strata.core.kv;

/** The result of one {@link Op}: etcd's {@code ResponseOp}. */
public sealed interface OpResult {
  record Range(RangeResult result) implements OpResult {}

  record Put(PutResult result) implements OpResult {}

  record DeleteRange(DeleteRangeResult result) implements OpResult {}

  record Txn(TxnResult result) implements OpResult {}
}
