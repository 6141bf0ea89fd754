package io.strata.server.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.AlarmType;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.CompactionResponse;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.core.mvcc.TxnChecks;
import io.strata.server.apply.Command;
import io.strata.server.apply.ProtoMapper;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's KV service. Writes are validated with etcd's rules, then replicated through Raft and
 * answered with the reply of the state machine; reads are served from the local store, after a
 * ReadIndex barrier unless {@code serializable} is set.
 */
public final class KvService extends KVGrpc.KVImplBase {
  private final Members members;
  private final int maxRequestBytes;
  private final int maxTxnOps;
  private final long quotaBytes;

  public KvService(Members members, int maxRequestBytes, int maxTxnOps, long quotaBytes) {
    this.members = members;
    this.maxRequestBytes = maxRequestBytes;
    this.maxTxnOps = maxTxnOps;
    this.quotaBytes = quotaBytes;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
    io.strata.core.kv.RangeRequest core;
    try {
      core = ProtoMapper.range(request);
      TxnChecks.checkRange(core);
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    CompletableFuture<Void> ready =
        request.getSerializable()
            ? CompletableFuture.completedFuture(null)
            : members.raft().readBarrier();
    ready
        .thenApply(
            ignored -> {
              RangeResponse r = ProtoMapper.rangeResponse(members.store().range(core));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            })
        .whenComplete((r, e) -> complete(out, r, e));
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> out) {
    boolean over;
    try {
      checkSize(request.getSerializedSize());
      TxnChecks.checkPut(ProtoMapper.put(request));
      // Inside the try: the quota check reads the store, which is closed while a snapshot is
      // installed; escaping, that reached the client as UNKNOWN instead of etcd's error.
      over = overQuota(request.getSerializedSize());
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    if (over) {
      raiseNoSpace(out);
      return;
    }
    members
        .propose(new Command.Put(request))
        .thenApply(
            body -> {
              PutResponse r = parse(() -> PutResponse.parseFrom(body));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            })
        .whenComplete((r, e) -> complete(out, r, e));
  }

  @Override
  public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
    try {
      checkSize(request.getSerializedSize());
      TxnChecks.checkDelete(ProtoMapper.delete(request));
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    members
        .propose(new Command.DeleteRange(request))
        .thenApply(
            body -> {
              DeleteRangeResponse r = parse(() -> DeleteRangeResponse.parseFrom(body));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            })
        .whenComplete((r, e) -> complete(out, r, e));
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
    boolean over;
    try {
      checkSize(request.getSerializedSize());
      TxnChecks.checkTxn(ProtoMapper.txn(request), maxTxnOps);
      over = hasPut(request) && overQuota(request.getSerializedSize()); // may read a closed store
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
      return;
    }
    if (over) {
      raiseNoSpace(out);
      return;
    }
    members
        .propose(new Command.Txn(request))
        .thenApply(body -> withHeaders(parse(() -> TxnResponse.parseFrom(body))))
        .whenComplete((r, e) -> complete(out, r, e));
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
    members
        .propose(new Command.Compact(request))
        .thenCompose(
            body -> {
              CompactionResponse r = parse(() -> CompactionResponse.parseFrom(body));
              CompactionResponse withHeader =
                  r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
              if (!request.getPhysical()) {
                return CompletableFuture.completedFuture(withHeader);
              }
              return members
                  .store()
                  .compactionDone(request.getRevision())
                  .thenApply(ignored -> withHeader);
            })
        .whenComplete((r, e) -> complete(out, r, e));
  }

  /** etcd fills the whole header only at the top; nested responses carry just the revision. */
  private TxnResponse withHeaders(TxnResponse r) {
    return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
  }

  /** etcd's quota check: would this write grow the store past {@code --quota-backend-bytes}? */
  private boolean overQuota(int cost) {
    return dbSize() + cost > quotaBytes;
  }

  /**
   * The store's size, sampled at most every {@link #SIZE_SAMPLE_NANOS}: summing RocksDB's size
   * properties on every write cost more than the rest of the handler, and etcd's quota check is no
   * more exact (it reads the backend size the last commit left).
   */
  private long dbSize() {
    long now = System.nanoTime();
    if (now - sizeSampledAt > SIZE_SAMPLE_NANOS) {
      sizeSample = members.store().sizeBytes();
      sizeSampledAt = now;
    }
    return sizeSample;
  }

  private static final long SIZE_SAMPLE_NANOS =
      java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);
  private volatile long sizeSample;
  private volatile long sizeSampledAt = System.nanoTime() - SIZE_SAMPLE_NANOS - 1;

  /**
   * Raises the NOSPACE alarm for the whole cluster, then refuses the write, as etcd does; from then
   * on every member's applier refuses writes that add data until the alarm is disarmed.
   */
  private void raiseNoSpace(StreamObserver<?> out) {
    AlarmRequest raise =
        AlarmRequest.newBuilder()
            .setAction(AlarmRequest.AlarmAction.ACTIVATE)
            .setMemberID(members.identity().memberId())
            .setAlarm(AlarmType.NOSPACE)
            .build();
    members
        .raft()
        .write(new Command.Alarm(raise).encode())
        .whenComplete((ignored, e) -> out.onError(EtcdErrors.of(EtcdErrors.NO_SPACE)));
  }

  private static boolean hasPut(TxnRequest txn) {
    for (var branch : java.util.List.of(txn.getSuccessList(), txn.getFailureList())) {
      for (var op : branch) {
        if (op.hasRequestPut() || (op.hasRequestTxn() && hasPut(op.getRequestTxn()))) {
          return true;
        }
      }
    }
    return false;
  }

  private void checkSize(int size) {
    if (size > maxRequestBytes) {
      throw EtcdErrors.of(EtcdErrors.REQUEST_TOO_LARGE);
    }
  }

  interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  static <T> T parse(Parser<T> parser) {
    try {
      return parser.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt state machine reply", e);
    }
  }

  static <T> void complete(StreamObserver<T> out, T value, Throwable error) {
    if (error != null) {
      out.onError(EtcdErrors.toStatus(error));
    } else {
      out.onNext(value);
      out.onCompleted();
    }
  }
}
