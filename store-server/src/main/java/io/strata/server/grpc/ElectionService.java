package io.strata.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.mvccpb.KeyValue;
import io.strata.api.v3electionpb.CampaignRequest;
import io.strata.api.v3electionpb.CampaignResponse;
import io.strata.api.v3electionpb.ElectionGrpc;
import io.strata.api.v3electionpb.LeaderKey;
import io.strata.api.v3electionpb.LeaderRequest;
import io.strata.api.v3electionpb.LeaderResponse;
import io.strata.api.v3electionpb.ProclaimRequest;
import io.strata.api.v3electionpb.ProclaimResponse;
import io.strata.api.v3electionpb.ResignRequest;
import io.strata.api.v3electionpb.ResignResponse;
import io.strata.core.watch.WatchHub;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * etcd's v3election service, the server side of {@code concurrency.Election} (etcd {@code
 * server/etcdserver/api/v3election}). A candidate's key is {@code name/<lease in hex>}, attached to
 * its lease; the leader is the key under {@code name/} with the smallest create revision.
 *
 * <ul>
 *   <li>Campaign puts the key with the value (creating it, or reusing it and proclaiming the new
 *       value), waits on the member's hub until no older key is left, and answers the {@link
 *       LeaderKey} (rev = the key's create revision) with the header of its first Txn. If the key
 *       goes away while waiting (its lease expired or was revoked) it fails with "election: not
 *       leader"; if the client cancels, the key is resigned.
 *   <li>Proclaim replaces the value if the key still has the leader's create revision, else fails
 *       with "election: not leader". Resign deletes the key under the same condition (and succeeds
 *       either way).
 *   <li>Leader answers the oldest key, or fails with "election: no leader".
 *   <li>Observe streams the current leader, then each of its new values, and the next leader once
 *       it is deleted ({@link LeaderObserver}).
 * </ul>
 *
 * Lease 0 in Campaign gets a new 60-second lease, as etcd's session does. Writes go through Raft,
 * reads are linearizable, and no thread waits.
 */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {
  private final Recipes recipes;

  public ElectionService(Members members, WatchHub hub, Executor executor) {
    this.recipes = new Recipes(members, hub, executor);
  }

  @Override
  public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> out) {
    CampaignCall call = new CampaignCall(request, out);
    if (out instanceof ServerCallStreamObserver<CampaignResponse> server) {
      server.setOnCancelHandler(call::cancel);
    }
    call.start();
  }

  @Override
  public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> out) {
    if (!request.hasLeader()) {
      out.onError(Recipes.error(Recipes.MISSING_LEADER_KEY));
      return;
    }
    LeaderKey leader = request.getLeader();
    proclaim(leader.getKey(), leader.getRev(), leader.getLease(), request.getValue())
        .thenApply(r -> ProclaimResponse.newBuilder().setHeader(r.getHeader()).build())
        .whenComplete((r, e) -> Recipes.complete(out, r, e));
  }

  @Override
  public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
    recipes
        .range(Recipes.firstCreate(Recipes.prefix(request.getName())))
        .thenApply(
            r -> {
              if (r.getKvsCount() == 0) {
                throw Recipes.error(Recipes.ELECTION_NO_LEADER);
              }
              return LeaderResponse.newBuilder()
                  .setHeader(r.getHeader())
                  .setKv(r.getKvs(0))
                  .build();
            })
        .whenComplete((r, e) -> Recipes.complete(out, r, e));
  }

  @Override
  public void observe(LeaderRequest request, StreamObserver<LeaderResponse> out) {
    new LeaderObserver(
            recipes,
            Recipes.prefix(request.getName()),
            (ServerCallStreamObserver<LeaderResponse>) out)
        .start();
  }

  @Override
  public void resign(ResignRequest request, StreamObserver<ResignResponse> out) {
    if (!request.hasLeader()) {
      out.onError(Recipes.error(Recipes.MISSING_LEADER_KEY));
      return;
    }
    LeaderKey leader = request.getLeader();
    resign(leader.getKey(), leader.getRev())
        .thenApply(r -> ResignResponse.newBuilder().setHeader(r.getHeader()).build())
        .whenComplete((r, e) -> Recipes.complete(out, r, e));
  }

  /** etcd's {@code Election.Proclaim}: put the value if the key is still the leader's. */
  private CompletableFuture<TxnResponse> proclaim(
      ByteString key, long rev, long lease, ByteString value) {
    TxnRequest txn =
        TxnRequest.newBuilder()
            .addCompare(Recipes.createRevisionIs(key, rev))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestPut(
                        PutRequest.newBuilder().setKey(key).setValue(value).setLease(lease)))
            .build();
    return recipes
        .txn(txn)
        .thenApply(
            r -> {
              if (!r.getSucceeded()) {
                throw Recipes.error(Recipes.ELECTION_NOT_LEADER);
              }
              return r;
            });
  }

  /** etcd's {@code Election.Resign}: delete the key if it is still the leader's. */
  private CompletableFuture<TxnResponse> resign(ByteString key, long rev) {
    return recipes.txn(
        TxnRequest.newBuilder()
            .addCompare(Recipes.createRevisionIs(key, rev))
            .addSuccess(
                RequestOp.newBuilder()
                    .setRequestDeleteRange(
                        io.strata.api.etcdserverpb.DeleteRangeRequest.newBuilder().setKey(key)))
            .build());
  }

  /** One Campaign call; its state is touched only on its serial executor. */
  private final class CampaignCall {
    private final SerialExecutor executor = recipes.newSerialExecutor();
    private final CampaignRequest request;
    private final ByteString prefix;
    private final StreamObserver<CampaignResponse> out;
    private boolean canceled;
    private boolean answered;
    private @Nullable Turn turn;

    CampaignCall(CampaignRequest request, StreamObserver<CampaignResponse> out) {
      this.request = request;
      this.prefix = Recipes.prefix(request.getName());
      this.out = out;
    }

    void start() {
      recipes
          .sessionLease(request.getLease())
          .thenCompose(
              lease -> {
                ByteString key = Recipes.key(prefix, lease);
                TxnRequest txn =
                    TxnRequest.newBuilder()
                        .addCompare(Recipes.createRevisionIs(key, 0))
                        .addSuccess(
                            RequestOp.newBuilder()
                                .setRequestPut(
                                    PutRequest.newBuilder()
                                        .setKey(key)
                                        .setValue(request.getValue())
                                        .setLease(lease)))
                        .addFailure(
                            RequestOp.newBuilder()
                                .setRequestRange(RangeRequest.newBuilder().setKey(key)))
                        .build();
                return recipes.txn(txn).thenApply(r -> new Candidate(key, lease, r));
              })
          .whenComplete((c, e) -> executor.execute(() -> campaigned(c, e)));
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

    private void campaigned(@Nullable Candidate c, @Nullable Throwable error) {
      if (c == null || error != null) {
        fail(error);
        return;
      }
      if (canceled) {
        resign(c.key, c.rev());
        fail(null);
        return;
      }
      KeyValue existing = c.existing();
      if (existing == null || existing.getValue().equals(request.getValue())) {
        await(c);
        return;
      }
      // Our key survived an earlier campaign with another value: proclaim the new one.
      proclaim(c.key, c.rev(), c.lease, request.getValue())
          .whenComplete(
              (r, e) ->
                  executor.execute(
                      () -> {
                        if (e != null) {
                          resign(c.key, c.rev());
                          fail(e);
                        } else if (canceled) {
                          resign(c.key, c.rev());
                          fail(null);
                        } else {
                          await(c);
                        }
                      }));
    }

    private void await(Candidate c) {
      Turn t = new Turn(recipes, executor, prefix, c.key, c.rev());
      turn = t;
      t.start(c.response.getHeader().getRevision())
          .whenComplete((own, e) -> executor.execute(() -> waited(c, e)));
    }

    private void waited(Candidate c, @Nullable Throwable error) {
      turn = null;
      if (error == null) {
        succeed(c);
      } else if (Recipes.unwrap(error) instanceof Turn.KeyLostException) {
        fail(Recipes.error(Recipes.ELECTION_NOT_LEADER));
      } else {
        if (canceled) {
          resign(c.key, c.rev()); // etcd resigns when the campaign's context is canceled
        }
        fail(error);
      }
    }

    private void succeed(Candidate c) {
      if (!answered) {
        answered = true;
        LeaderKey leader =
            LeaderKey.newBuilder()
                .setName(request.getName())
                .setKey(c.key)
                .setRev(c.rev())
                .setLease(c.lease)
                .build();
        Recipes.complete(
            out,
            CampaignResponse.newBuilder()
                .setHeader(c.response.getHeader())
                .setLeader(leader)
                .build(),
            null);
      }
    }

    private void fail(@Nullable Throwable error) {
      if (!answered) {
        answered = true;
        Recipes.complete(out, null, Recipes.unwrap(error));
      }
    }
  }

  /** The campaign's first Txn: it put our key, or found it. */
  private record Candidate(ByteString key, long lease, TxnResponse response) {
    /** The key as it was found, or null if the Txn created it. */
    @Nullable KeyValue existing() {
      return response.getSucceeded() ? null : response.getResponses(0).getResponseRange().getKvs(0);
    }

    /** etcd's {@code leaderRev}: the key's create revision. */
    long rev() {
      KeyValue kv = existing();
      return kv == null ? response.getHeader().getRevision() : kv.getCreateRevision();
    }
  }
}
