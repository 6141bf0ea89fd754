package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import java.util.List;

/** The operations of a {@link Txn} branch, with the same options as the plain calls. */
public final class Op {
  private Op() {}

  public static RequestOp get(ByteString key, GetOptions options) {
    return RequestOp.newBuilder().setRequestRange(options.toRequest(key)).build();
  }

  public static RequestOp put(ByteString key, ByteString value, PutOptions options) {
    return RequestOp.newBuilder().setRequestPut(options.toRequest(key, value)).build();
  }

  public static RequestOp delete(ByteString key, DeleteOptions options) {
    return RequestOp.newBuilder().setRequestDeleteRange(options.toRequest(key)).build();
  }

  /** A nested transaction (etcd 3.3+). */
  public static RequestOp txn(List<Compare> when, List<RequestOp> then, List<RequestOp> orElse) {
    return RequestOp.newBuilder()
        .setRequestTxn(
            TxnRequest.newBuilder()
                .addAllCompare(when)
                .addAllSuccess(then)
                .addAllFailure(orElse)
                .build())
        .build();
  }
}
