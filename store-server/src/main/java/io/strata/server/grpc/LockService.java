package io.strata.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.mvccpb.KeyValue;
import io.strata.api.v3lockpb.LockGrpc;
import io.strata.api.v3lockpb.LockRequest;
import io.strata.api.v3lockpb.LockResponse;
import io.strata.api.v3lockpb.UnlockRequest;
import io.strata.api.v3lockpb.UnlockResponse;
import io.strata.core.watch.WatchHub;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * etcd's v3lock service, the server side of {@code concurrency.Mutex} (etcd {@code
 * server/etcdserver/api/v3lock}).
 *
 * <p>Lock puts {@code name/<lease in hex>} attached to the lease (in one Txn: create it if absent,
 * else reuse it, and read the oldest key under {@code name/}). The caller owns the lock once no key
 * under the prefix is older than its own: if that is not yet so, the call waits, watching the
 * member's hub, for the older keys to be deleted, then answers {@code {header, key}}. If its own
 * key goes away meanwhile (the lease expired or was revoked) it fails with "mutex: session is
 * expired"; if the wait fails otherwise, or the client cancels, the key is deleted again. Lease 0
 * gets a new 60-second lease, as etcd's session does. Unlock deletes the key. Writes go through
 * Raft, reads are linearizable, and no thread waits.
 */
public final class LockService extends LockGrpc.LockImplBase {
  private final Recipes recipes;

  public LockService(Members members, WatchHub hub, Executor executor) {
    this.recipes = new Recipes(members, hub, executor);
  }

  @Override
  public void lock(LockRequest request, StreamObserver<LockResponse> out) {
    LockCall call = new LockCall(request.getName(), out);
    if (out instanceof ServerCallStreamObserver<LockResponse> server) {
      server.setOnCancelHandler(call::cancel);
    }
    call.start(request.getLease());
  }

  @Override
  public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> out) {
    recipes
        .delete(request.getKey())
        .thenApply(r -> UnlockResponse.newBuilder().setHeader(r.getHeader()).build())
        .whenComplete((r, e) -> Recipes.complete(out, r, e));
  }

  /** One Lock call; its state is touched only on its serial executor. */
  private final class LockCall {
    private final SerialExecutor executor = recipes.newSerialExecutor();
    private final ByteString prefix;
    private final StreamObserver<LockResponse> out;
    private boolean canceled;
    private boolean answered;
    private @Nullable Turn turn;

    LockCall(ByteString name, StreamObserver<LockResponse> out) {
      this.prefix = Recipes.prefix(name);
      this.out = out;
    }

    void start(long requestedLease) {
      recipes
          .sessionLease(requestedLease)
          .thenCompose(
              lease -> {
                ByteString key = Recipes.key(prefix, lease);
                return recipes.txn(tryAcquire(key, lease)).thenApply(r -> new Acquired(key, r));
              })
          .whenComplete((acquired, e) -> executor.execute(() -> acquired(acquired, e)));
    }

    void cancel() {
      executor.execute(
          () -> {
            canceled = true;
            Turn t = turn;
            if (t != null) {
              t.cancel();
            }
          });
    }

    /**
     * etcd's {@code Mutex.tryAcquire}: if the key does not exist, put it and read the owner; else
     * read it (to reuse its create revision) and the owner.
     */
    private TxnRequest tryAcquire(ByteString key, long lease) {
      RequestOp owner = RequestOp.newBuilder().setRequestRange(Recipes.firstCreate(prefix)).build();
      return TxnRequest.newBuilder()
          .addCompare(Recipes.createRevisionIs(key, 0))
          .addSuccess(
              RequestOp.newBuilder()
                  .setRequestPut(PutRequest.newBuilder().setKey(key).setLease(lease)))
          .addSuccess(owner)
          .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
          .addFailure(owner)
          .build();
    }

    private void acquired(@Nullable Acquired acquired, @Nullable Throwable error) {
      if (acquired == null || error != null) {
        fail(error);
        return;
      }
      if (canceled) {
        release(acquired.key);
        return;
      }
      TxnResponse r = acquired.response;
      long myRevision = acquired.myRevision();
      List<KeyValue> owner = r.getResponses(1).getResponseRange().getKvsList();
      if (owner.isEmpty() || owner.get(0).getCreateRevision() == myRevision) {
        succeed(r.getHeader(), acquired.key);
        return;
      }
      Turn t = new Turn(recipes, executor, prefix, acquired.key, myRevision);
      turn = t;
      t.start(r.getHeader().getRevision())
          .whenComplete((own, e) -> executor.execute(() -> waited(acquired.key, own, e)));
    }

    /** etcd answers with the header of its final read of the key, which the turn made. */
    private void waited(ByteString key, @Nullable RangeResponse own, @Nullable Throwable error) {
      turn = null;
      if (own != null && error == null) {
        succeed(own.getHeader(), key);
      } else if (Recipes.unwrap(error) instanceof Turn.KeyLostException) {
        fail(Recipes.error(Recipes.SESSION_EXPIRED));
      } else {
        release(key); // etcd's Mutex.Lock unlocks when the wait fails
        fail(error);
      }
    }

    private void release(ByteString key) {
      recipes.delete(key); // best effort, as etcd's; the lease bounds the key's life anyway
    }

    private void succeed(ResponseHeader header, ByteString key) {
      if (!answered) {
        answered = true;
        Recipes.complete(
            out, LockResponse.newBuilder().setHeader(header).setKey(key).build(), null);
      }
    }

    private void fail(@Nullable Throwable error) {
      if (!answered) {
        answered = true;
        Recipes.complete(out, null, Recipes.unwrap(error));
      }
    }
  }

  /** The txn that put or found our key. */
  private record Acquired(ByteString key, TxnResponse response) {
    /** etcd's {@code myRev}: the put's revision, or the existing key's create revision. */
    long myRevision() {
      if (response.getSucceeded()) {
        return response.getHeader().getRevision();
      }
      return response.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
    }
  }
}
