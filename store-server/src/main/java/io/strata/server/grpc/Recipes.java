package io.strata.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.core.kv.Bytes;
import io.strata.core.mvcc.TxnChecks;
import io.strata.core.watch.WatchHub;
import io.strata.server.apply.Command;
import io.strata.server.apply.ProtoMapper;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What the Lock and Election services share: the KV operations etcd's concurrency recipes issue
 * through the member's in-process client (replicated writes, linearizable reads, watches on the
 * member's hub), the key layout, and the recipes' errors.
 *
 * <p><b>Errors.</b> etcd's v3lock and v3election servers return the errors of their in-process
 * client as plain Go errors, which grpc-go sends as code Unknown with the message as description;
 * only a canceled or expired call keeps its own code. So every failure of these services is Unknown
 * with etcd's exact message: the store's ("etcdserver: requested lease not found") or the recipes'
 * own ({@link #ELECTION_NOT_LEADER}, {@link #ELECTION_NO_LEADER}, {@link #SESSION_EXPIRED}, {@link
 * #MISSING_LEADER_KEY}). They are not in {@link EtcdErrors}, whose table mirrors etcd's {@code
 * rpctypes}.
 */
final class Recipes {
  /** client/v3/concurrency ErrElectionNotLeader. */
  static final String ELECTION_NOT_LEADER = "election: not leader";

  /** client/v3/concurrency ErrElectionNoLeader. */
  static final String ELECTION_NO_LEADER = "election: no leader";

  /** client/v3/concurrency ErrSessionExpired: the lock key went away while waiting. */
  static final String SESSION_EXPIRED = "mutex: session is expired";

  /** server/etcdserver/api/v3election ErrMissingLeaderKey. */
  static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";

  /** etcd's default session TTL: the lease granted for a request that names lease 0. */
  static final long SESSION_TTL = 60;

  private final Members members;
  private final WatchHub hub;
  private final Executor executor;
  private final LeaseService leases;

  Recipes(Members members, WatchHub hub, Executor executor) {
    this.members = members;
    this.hub = hub;
    this.executor = executor;
    this.leases = new LeaseService(members);
  }

  Members members() {
    return members;
  }

  /** A new serial executor for the callbacks of one request. */
  SerialExecutor newSerialExecutor() {
    return new SerialExecutor(executor);
  }

  // --- keys -------------------------------------------------------------------------------

  /** {@code name + "/"}: the prefix under which a lock's or election's keys live. */
  static ByteString prefix(ByteString name) {
    return name.concat(ByteString.copyFromUtf8("/"));
  }

  /** {@code prefix + lease in hex}, as Go's {@code fmt.Sprintf("%s%x", pfx, lease)}. */
  static ByteString key(ByteString prefix, long lease) {
    String hex =
        lease < 0
            ? "-" + Long.toHexString(lease == Long.MIN_VALUE ? lease : -lease)
            : Long.toHexString(lease);
    return prefix.concat(ByteString.copyFromUtf8(hex));
  }

  static ByteString prefixEnd(ByteString prefix) {
    return ByteString.copyFrom(Bytes.prefixEnd(prefix.toByteArray()));
  }

  /** clientv3 {@code Get(prefix, WithFirstCreate()...)}: the oldest key under the prefix. */
  static RangeRequest firstCreate(ByteString prefix) {
    return RangeRequest.newBuilder()
        .setKey(prefix)
        .setRangeEnd(prefixEnd(prefix))
        .setSortTarget(RangeRequest.SortTarget.CREATE)
        .setSortOrder(RangeRequest.SortOrder.ASCEND)
        .setLimit(1)
        .build();
  }

  /**
   * clientv3 {@code Get(prefix, WithLastCreate()..., WithMaxCreateRev(max))}: the youngest key
   * under the prefix created at or before {@code maxCreateRevision}.
   */
  static RangeRequest lastCreateUpTo(ByteString prefix, long maxCreateRevision) {
    return RangeRequest.newBuilder()
        .setKey(prefix)
        .setRangeEnd(prefixEnd(prefix))
        .setSortTarget(RangeRequest.SortTarget.CREATE)
        .setSortOrder(RangeRequest.SortOrder.DESCEND)
        .setLimit(1)
        .setMaxCreateRevision(maxCreateRevision)
        .build();
  }

  /** clientv3 {@code Compare(CreateRevision(key), "=", revision)}. */
  static Compare createRevisionIs(ByteString key, long revision) {
    return Compare.newBuilder()
        .setKey(key)
        .setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL)
        .setCreateRevision(revision)
        .build();
  }

  // --- operations ---------------------------------------------------------------------------

  /**
   * The lease a request's keys attach to: its own, or for lease 0 a new one of {@link #SESSION_TTL}
   * seconds (etcd's {@code concurrency.NewSession} grants one; it is never kept alive, so the key
   * goes away after a minute unless released first).
   */
  CompletableFuture<Long> sessionLease(long lease) {
    if (lease != 0) {
      return CompletableFuture.completedFuture(lease);
    }
    CompletableFuture<LeaseGrantResponse> granted = new CompletableFuture<>();
    leases.leaseGrant(
        LeaseGrantRequest.newBuilder().setTTL(SESSION_TTL).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(LeaseGrantResponse r) {
            granted.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            granted.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    return granted.thenApply(LeaseGrantResponse::getID);
  }

  /** A replicated Txn, answered once applied, with the full header. */
  CompletableFuture<TxnResponse> txn(TxnRequest request) {
    return members
        .propose(new Command.Txn(request))
        .thenApply(
            body -> {
              TxnResponse r = KvService.parse(() -> TxnResponse.parseFrom(body));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            });
  }

  /** A replicated delete of one key (etcd's checks first, as KV.DeleteRange does them). */
  CompletableFuture<DeleteRangeResponse> delete(ByteString key) {
    DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setKey(key).build();
    try {
      TxnChecks.checkDelete(ProtoMapper.delete(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return members
        .propose(new Command.DeleteRange(request))
        .thenApply(
            body -> {
              DeleteRangeResponse r = KvService.parse(() -> DeleteRangeResponse.parseFrom(body));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            });
  }

  /** A linearizable read of this member's store (after a ReadIndex barrier), as clientv3 Get. */
  CompletableFuture<RangeResponse> range(RangeRequest request) {
    return members
        .raft()
        .readBarrier()
        .thenApply(
            ignored -> {
              RangeResponse r =
                  ProtoMapper.rangeResponse(members.store().range(ProtoMapper.range(request)));
              return r.toBuilder().setHeader(members.header(r.getHeader().getRevision())).build();
            });
  }

  /**
   * Watches a key ({@code rangeEnd} empty) or a range from {@code startRevision}; the listener runs
   * on {@code executor}, which must be the request's serial executor.
   */
  HubWatch watch(
      ByteString key,
      ByteString rangeEnd,
      long startRevision,
      Executor executor,
      HubWatch.Listener listener) {
    return HubWatch.start(
        hub, executor, key.toByteArray(), rangeEnd.toByteArray(), startRevision, listener);
  }

  // --- errors -------------------------------------------------------------------------------

  /** One of the recipes' own errors (code Unknown, as grpc-go sends a plain Go error). */
  static StatusRuntimeException error(String message) {
    return Status.UNKNOWN.withDescription(message).asRuntimeException();
  }

  /**
   * What a client of these services sees for a failure: etcd's message with code Unknown, except
   * for a canceled or timed-out call.
   */
  static StatusRuntimeException toStatus(Throwable t) {
    StatusRuntimeException s = EtcdErrors.toStatus(t);
    Status.Code code = s.getStatus().getCode();
    if (code == Status.Code.UNKNOWN
        || code == Status.Code.CANCELLED
        || code == Status.Code.DEADLINE_EXCEEDED) {
      return s;
    }
    return error(String.valueOf(s.getStatus().getDescription()));
  }

  /**
   * The cause of a failed stage; a missing error or a {@link CancellationException} becomes gRPC's
   * CANCELLED (the call or the member went away).
   */
  static Throwable unwrap(@Nullable Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e == null || e instanceof CancellationException) {
      return Status.CANCELLED.withDescription("context canceled").asRuntimeException();
    }
    return e;
  }

  /** Answers a unary call; does nothing if the call is already gone. */
  static <T> void complete(StreamObserver<T> out, @Nullable T value, @Nullable Throwable error) {
    try {
      if (error != null || value == null) {
        out.onError(toStatus(unwrap(error)));
      } else {
        out.onNext(value);
        out.onCompleted();
      }
    } catch (RuntimeException e) {
      // The call was canceled meanwhile: nobody is listening.
    }
  }
}
