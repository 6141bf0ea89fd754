package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.v3electionpb.CampaignRequest;
import io.strata.api.v3electionpb.CampaignResponse;
import io.strata.api.v3electionpb.ElectionGrpc;
import io.strata.api.v3electionpb.LeaderKey;
import io.strata.api.v3electionpb.LeaderRequest;
import io.strata.api.v3electionpb.LeaderResponse;
import io.strata.api.v3electionpb.ProclaimRequest;
import io.strata.api.v3electionpb.ResignRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestCluster;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Election service over the wire from one running member: campaign, proclaim, leader, resign
 * and observe with etcd's semantics, and etcd's errors (code Unknown, exact text).
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElectionServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private StoreServer server;
  private ManagedChannel channel;
  private ElectionGrpc.ElectionBlockingStub election;
  private ElectionGrpc.ElectionStub electionAsync;
  private LeaseGrpc.LeaseBlockingStub lease;
  private KVGrpc.KVBlockingStub kv;

  @BeforeAll
  void start() throws IOException {
    server =
        StoreServer.start(
            ServerConfig.singleMember("v1", dir.resolve("v1"), TestPorts.free(), TestPorts.free()),
            () -> {});
    server.awaitLeader();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
    election = ElectionGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    electionAsync = ElectionGrpc.newStub(channel);
    lease = LeaseGrpc.newBlockingStub(channel);
    kv = KVGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void campaign_leaderKeyCarriesCreateRevisionAndLease() {
    long id = grant();
    CampaignResponse r = election.campaign(campaign("a", id, "v"));

    LeaderKey leader = r.getLeader();
    assertThat(leader.getName().toStringUtf8()).isEqualTo("a");
    assertThat(leader.getKey().toStringUtf8()).isEqualTo("a/" + Long.toHexString(id));
    assertThat(leader.getLease()).isEqualTo(id);
    assertThat(leader.getRev()).isEqualTo(r.getHeader().getRevision());
    LeaderResponse current = election.leader(leaderRequest("a"));
    assertThat(current.getKv().getValue().toStringUtf8()).isEqualTo("v");
    assertThat(current.getKv().getCreateRevision()).isEqualTo(leader.getRev());
    election.resign(ResignRequest.newBuilder().setLeader(leader).build());
    assertThat(count("a/")).isZero();
  }

  @Test
  void campaign_againWithAnotherValue_proclaimsItAndKeepsTheRevision() {
    long id = grant();
    LeaderKey first = election.campaign(campaign("b", id, "one")).getLeader();
    LeaderKey again = election.campaign(campaign("b", id, "two")).getLeader();

    assertThat(again).isEqualTo(first);
    assertThat(election.leader(leaderRequest("b")).getKv().getValue().toStringUtf8())
        .isEqualTo("two");
  }

  @Test
  void proclaim_andResign_onlyWhileTheKeyIsTheLeaders() {
    long id = grant();
    LeaderKey leader = election.campaign(campaign("c", id, "x")).getLeader();
    election.proclaim(proclaim(leader, "y"));
    assertThat(election.leader(leaderRequest("c")).getKv().getValue().toStringUtf8())
        .isEqualTo("y");

    LeaderKey stale = leader.toBuilder().setRev(leader.getRev() - 1).build();
    refused(() -> election.proclaim(proclaim(stale, "z")), "election: not leader");
    // Resign with a stale revision succeeds but deletes nothing, as etcd's does.
    election.resign(ResignRequest.newBuilder().setLeader(stale).build());
    assertThat(count("c/")).isEqualTo(1);
    election.resign(ResignRequest.newBuilder().setLeader(leader).build());
    assertThat(count("c/")).isZero();
  }

  @Test
  void campaign_waitsForOlderCandidates_canceledCampaignResigns() throws Exception {
    long a = grant();
    long b = grant();
    long c = grant();
    LeaderKey first = election.campaign(campaign("d", a, "a")).getLeader();
    CompletableFuture<CampaignResponse> second = campaignAsync(campaign("d", b, "b"));
    Context.CancellableContext call = Context.current().withCancellation();
    call.run(() -> campaignAsync(campaign("d", c, "c")));
    awaitCount("d/", 3);
    assertThat(second).isNotDone();

    call.cancel(null);
    awaitCount("d/", 2);
    election.resign(ResignRequest.newBuilder().setLeader(first).build());
    assertThat(second.get(20, TimeUnit.SECONDS).getLeader().getLease()).isEqualTo(b);
  }

  @Test
  void campaign_leaseRevokedWhileWaiting_failsWithNotLeader() {
    long holder = grant();
    long waiter = grant();
    election.campaign(campaign("e", holder, "h"));
    CompletableFuture<CampaignResponse> waiting = campaignAsync(campaign("e", waiter, "w"));
    awaitCount("e/", 2);

    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(waiter).build());
    assertThatThrownBy(() -> waiting.get(20, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            s -> {
              assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(s.getStatus().getDescription()).isEqualTo("election: not leader");
            });
  }

  @Test
  void observe_streamsEachLeaderAndValue_waitingForTheFirstCandidate() throws Exception {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    Context.CancellableContext call = Context.current().withCancellation();
    call.run(
        () ->
            electionAsync.observe(
                leaderRequest("f"),
                new StreamObserver<>() {
                  @Override
                  public void onNext(LeaderResponse r) {
                    seen.add(r.getKv().getValue().toStringUtf8());
                  }

                  @Override
                  public void onError(Throwable t) {
                    seen.add("error: " + t);
                  }

                  @Override
                  public void onCompleted() {
                    seen.add("completed");
                  }
                }));
    try {
      // Observe answers nothing until there is a leader; a plain key beside the prefix is ignored.
      kv.put(PutRequest.newBuilder().setKey(bytes("f")).setValue(bytes("not a candidate")).build());
      long a = grant();
      long b = grant();
      LeaderKey first = election.campaign(campaign("f", a, "1")).getLeader();
      // Each step waits for the one before to be observed: etcd may skip superseded values.
      assertThat(poll(seen)).isEqualTo("1");
      CompletableFuture<CampaignResponse> second = campaignAsync(campaign("f", b, "2"));
      awaitCount("f/", 2);
      election.proclaim(proclaim(first, "1b"));
      assertThat(poll(seen)).isEqualTo("1b");
      election.resign(ResignRequest.newBuilder().setLeader(first).build());
      LeaderKey next = second.get(20, TimeUnit.SECONDS).getLeader();
      assertThat(poll(seen)).isEqualTo("2");
      election.proclaim(proclaim(next, "2b"));
      assertThat(poll(seen)).isEqualTo("2b");
      assertThat(seen).isEmpty();
    } finally {
      call.cancel(null);
    }
  }

  @Test
  void errors_areUnknownWithEtcdsMessages() {
    refused(() -> election.leader(leaderRequest("none")), "election: no leader");
    refused(
        () -> election.proclaim(ProclaimRequest.getDefaultInstance()),
        "\"leader\" field must be provided");
    refused(
        () -> election.resign(ResignRequest.getDefaultInstance()),
        "\"leader\" field must be provided");
    refused(
        () -> election.campaign(campaign("g", 0x7777, "v")),
        "etcdserver: requested lease not found");
  }

  private CompletableFuture<CampaignResponse> campaignAsync(CampaignRequest request) {
    CompletableFuture<CampaignResponse> f = new CompletableFuture<>();
    electionAsync.campaign(
        request,
        new StreamObserver<>() {
          @Override
          public void onNext(CampaignResponse r) {
            f.complete(r);
          }

          @Override
          public void onError(Throwable t) {
            f.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    return f;
  }

  private static String poll(BlockingQueue<String> q) throws InterruptedException {
    String s = q.poll(20, TimeUnit.SECONDS);
    return s == null ? "<nothing>" : s;
  }

  private long grant() {
    return lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
  }

  private long count(String prefix) {
    ByteString p = bytes(prefix);
    return kv.range(
            RangeRequest.newBuilder()
                .setKey(p)
                .setRangeEnd(Recipes.prefixEnd(p))
                .setCountOnly(true)
                .build())
        .getCount();
  }

  private void awaitCount(String prefix, long n) {
    TestCluster.await(n + " keys under " + prefix, WAIT, () -> count(prefix) == n);
  }

  private static void refused(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            s -> {
              assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(s.getStatus().getDescription()).isEqualTo(message);
            });
  }

  private static CampaignRequest campaign(String name, long lease, String value) {
    return CampaignRequest.newBuilder()
        .setName(bytes(name))
        .setLease(lease)
        .setValue(bytes(value))
        .build();
  }

  private static ProclaimRequest proclaim(LeaderKey leader, String value) {
    return ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes(value)).build();
  }

  private static LeaderRequest leaderRequest(String name) {
    return LeaderRequest.newBuilder().setName(bytes(name)).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
