package io.strata.client;

import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnResponse;
import java.util.concurrent.CompletableFuture;

/**
 * A transaction being built: {@code kv.txn().when(...).then(...).otherwise(...).commit()}. All
 * compares must hold for {@code then} to run, else {@code otherwise} runs; the whole transaction is
 * one revision. A transaction with no writes is retried like a read; one with writes is never
 * retried once it may have reached a member.
 */
public interface Txn {
  Txn when(Compare... compares);

  Txn then(RequestOp... ops);

  Txn otherwise(RequestOp... ops);

  CompletableFuture<TxnResponse> commit();
}
