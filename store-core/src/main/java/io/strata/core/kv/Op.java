package io.strata.core.kv;

/** One operation of a transaction branch: etcd's {@code RequestOp}. */
public sealed interface Op {
  record Range(RangeRequest request) implements Op {}

  record Put(PutRequest request) implements Op {}

  record DeleteRange(DeleteRangeRequest request) implements Op {}

  record Txn(TxnRequest request) implements Op {}

  static Op range(RangeRequest r) {
    return new Range(r);
  }

  static Op put(PutRequest r) {
    return new Put(r);
  }

  static Op delete(DeleteRangeRequest r) {
    return new DeleteRange(r);
  }

  static Op txn(TxnRequest r) {
    return new Txn(r);
  }
}
