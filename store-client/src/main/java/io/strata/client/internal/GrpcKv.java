package io.strata.client.internal;

import com.google.protobuf.ByteString;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.CompactionResponse;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.client.DeleteOptions;
import io.strata.client.GetOptions;
import io.strata.client.KV;
import io.strata.client.PutOptions;
import io.strata.client.Txn;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** {@link KV} over etcd's KV service. Range and read-only Txn are idempotent; writes are not. */
final class GrpcKv implements KV {
  private final Retrier retrier;

  GrpcKv(Retrier retrier) {
    this.retrier = retrier;
  }

  static KVGrpc.KVStub stub(ManagedChannel channel, @Nullable Deadline deadline) {
    KVGrpc.KVStub s = KVGrpc.newStub(channel);
    return deadline == null ? s : s.withDeadline(deadline);
  }

  @Override
  public CompletableFuture<RangeResponse> get(ByteString key, GetOptions options) {
    var request = options.toRequest(key);
    return retrier.call(true, (ch, d, o) -> stub(ch, d).range(request, o));
  }

  @Override
  public CompletableFuture<PutResponse> put(ByteString key, ByteString value, PutOptions options) {
    var request = options.toRequest(key, value);
    return retrier.call(false, (ch, d, o) -> stub(ch, d).put(request, o));
  }

  @Override
  public CompletableFuture<DeleteRangeResponse> delete(ByteString key, DeleteOptions options) {
    var request = options.toRequest(key);
    return retrier.call(false, (ch, d, o) -> stub(ch, d).deleteRange(request, o));
  }

  @Override
  public CompletableFuture<CompactionResponse> compact(long revision, boolean physical) {
    // Compacting twice at one revision only fails the second time with ErrCompacted: safe.
    var request =
        CompactionRequest.newBuilder().setRevision(revision).setPhysical(physical).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).compact(request, o));
  }

  @Override
  public Txn txn() {
    return new Builder();
  }

  /** Whether a transaction only reads (then it may be retried like a Range). */
  static boolean readOnly(TxnRequest txn) {
    return readOnly(txn.getSuccessList()) && readOnly(txn.getFailureList());
  }

  private static boolean readOnly(List<RequestOp> ops) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> {}
        case REQUEST_TXN -> {
          if (!readOnly(op.getRequestTxn())) {
            return false;
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  private final class Builder implements Txn {
    private final TxnRequest.Builder request = TxnRequest.newBuilder();

    @Override
    public Txn when(Compare... compares) {
      request.addAllCompare(List.of(compares));
      return this;
    }

    @Override
    public Txn then(RequestOp... ops) {
      request.addAllSuccess(List.of(ops));
      return this;
    }

    @Override
    public Txn otherwise(RequestOp... ops) {
      request.addAllFailure(List.of(ops));
      return this;
    }

    @Override
    public CompletableFuture<TxnResponse> commit() {
      TxnRequest txn = request.build();
      return retrier.call(readOnly(txn), (ch, d, o) -> stub(ch, d).txn(txn, o));
    }
  }
}
