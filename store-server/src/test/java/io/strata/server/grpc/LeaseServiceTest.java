package io.strata.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseLeasesRequest;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.LeaseStatus;
import io.strata.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.core.kv.Event;
import io.strata.server.StoreServer;
import io.strata.server.TestCluster;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
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
 * etcd's Lease service over the wire from one running member: grant, keep-alive, time-to-live,
 * leases, revoke, expiry by the leader, and every lease error with etcd's code and message.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseServiceTest {
  /** ceil(1.5 × the default 1000 ms election timeout). */
  private static final long MIN_TTL = 2;

  @TempDir static Path dir;
  private StoreServer server;
  private ManagedChannel channel;
  private LeaseGrpc.LeaseBlockingStub lease;
  private KVGrpc.KVBlockingStub kv;

  @BeforeAll
  void start() throws IOException {
    server =
        StoreServer.start(
            ServerConfig.singleMember("l1", dir.resolve("l1"), TestPorts.free(), TestPorts.free()),
            () -> {});
    server.awaitLeader();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
    lease = LeaseGrpc.newBlockingStub(channel);
    kv = KVGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void minTtl_isEtcds() {
    assertThat(LeaseService.minTtl(1000)).isEqualTo(2);
    assertThat(LeaseService.minTtl(100)).isEqualTo(1);
    assertThat(LeaseService.minTtl(5000)).isEqualTo(8);
  }

  @Test
  void grant_serverChosenId() {
    LeaseGrantResponse r = lease.leaseGrant(grant(0, 60));

    assertThat(r.getID()).isPositive();
    assertThat(r.getTTL()).isEqualTo(60);
    assertThat(r.getError()).isEmpty();
    assertThat(r.getHeader().getClusterId()).isNotZero();
    assertThat(r.getHeader().getMemberId()).isNotZero();
    assertThat(r.getHeader().getRevision()).isEqualTo(server.members().store().currentRevision());
    assertThat(lease.leaseGrant(grant(0, 60)).getID()).isNotEqualTo(r.getID());
  }

  @Test
  void grant_clientChosenId() {
    LeaseGrantResponse r = lease.leaseGrant(grant(0x1000, 30));

    assertThat(r.getID()).isEqualTo(0x1000);
    assertThat(r.getTTL()).isEqualTo(30);
  }

  @Test
  void grant_belowTheMinimum_isRaised() {
    assertThat(lease.leaseGrant(grant(0, 1)).getTTL()).isEqualTo(MIN_TTL);
    assertThat(lease.leaseGrant(grant(0, 0)).getTTL()).isEqualTo(MIN_TTL);
    assertThat(lease.leaseGrant(grant(0, -5)).getTTL()).isEqualTo(MIN_TTL);
  }

  @Test
  void leaseErrors_haveEtcdsCodesAndMessages() {
    lease.leaseGrant(grant(0x2000, 30));

    refused(
        () -> lease.leaseGrant(grant(0x2000, 30)),
        Status.Code.FAILED_PRECONDITION,
        "etcdserver: lease already exists");
    refused(
        () -> lease.leaseGrant(grant(0, 9_000_000_001L)),
        Status.Code.OUT_OF_RANGE,
        "etcdserver: too large lease TTL");
    refused(
        () -> lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x2001).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
    refused(
        () -> kv.put(put("orphan", 0x2001)),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
    refused(
        () ->
            kv.txn(
                TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("orphan", 0x2001)))
                    .build()),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
    assertThat(lease.leaseGrant(grant(0x2002, 9_000_000_000L)).getTTL()).isEqualTo(9_000_000_000L);
  }

  @Test
  void unknownLease_isNotAnError_forTimeToLiveAndKeepAlive() throws Exception {
    LeaseTimeToLiveResponse ttl =
        lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(0x3001).build());
    assertThat(ttl.getID()).isEqualTo(0x3001);
    assertThat(ttl.getTTL()).isEqualTo(-1);
    assertThat(ttl.getGrantedTTL()).isZero();

    try (KeepAlive k = new KeepAlive()) {
      LeaseKeepAliveResponse r = k.send(0x3001);
      assertThat(r.getID()).isEqualTo(0x3001);
      assertThat(r.getTTL()).isZero();
    }
  }

  @Test
  void timeToLive_reportsRemainingGrantedAndKeys() {
    long id = lease.leaseGrant(grant(0, 100)).getID();
    kv.put(put("ttl/b", id));
    kv.put(put("ttl/a", id));

    LeaseTimeToLiveResponse withKeys =
        lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(true).build());
    LeaseTimeToLiveResponse withoutKeys =
        lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build());

    assertThat(withKeys.getID()).isEqualTo(id);
    assertThat(withKeys.getGrantedTTL()).isEqualTo(100);
    assertThat(withKeys.getTTL()).isBetween(90L, 100L);
    assertThat(withKeys.getKeysList())
        .containsExactly(bytes("ttl/a"), bytes("ttl/b")); // the lease index is in key order
    assertThat(withoutKeys.getKeysList()).isEmpty();
    assertThat(
            kv.range(RangeRequest.newBuilder().setKey(bytes("ttl/a")).build()).getKvs(0).getLease())
        .isEqualTo(id);
  }

  @Test
  void leases_listsEveryLease() {
    long a = lease.leaseGrant(grant(0, 60)).getID();
    long b = lease.leaseGrant(grant(0, 60)).getID();

    assertThat(lease.leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList())
        .extracting(LeaseStatus::getID)
        .contains(a, b);
    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(a).build());
    assertThat(lease.leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList())
        .extracting(LeaseStatus::getID)
        .contains(b)
        .doesNotContain(a);
  }

  @Test
  void revoke_deletesEveryAttachedKeyInOneRevision() {
    long id = lease.leaseGrant(grant(0, 60)).getID();
    long other = lease.leaseGrant(grant(0, 60)).getID();
    kv.put(put("rv/1", id));
    kv.put(put("rv/2", id));
    kv.put(put("rv/3", other));
    kv.put(put("rv/4", id));
    long before = server.members().store().currentRevision();

    LeaseRevokeResponse r = lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());

    assertThat(r.getHeader().getRevision()).isEqualTo(before + 1);
    assertThat(keys("rv/")).containsExactly("rv/3");
    List<Event> events = server.members().store().history(before + 1, before + 1, false, 100);
    assertThat(events)
        .extracting(e -> new String(e.kv().key(), StandardCharsets.UTF_8))
        .containsExactly("rv/1", "rv/2", "rv/4");
    assertThat(events).allMatch(e -> e.type() == Event.Type.DELETE);
    assertThat(
            lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build()).getTTL())
        .isEqualTo(-1);
    refused(
        () -> lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()),
        Status.Code.NOT_FOUND,
        "etcdserver: requested lease not found");
  }

  @Test
  void keepAlive_renewsToTheGrantedTtl_inRequestOrder() throws Exception {
    long a = lease.leaseGrant(grant(0, 30)).getID();
    long b = lease.leaseGrant(grant(0, 40)).getID();

    try (KeepAlive k = new KeepAlive()) {
      k.requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(a).build());
      k.requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(b).build());
      k.requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(a).build());
      assertThat(List.of(k.next(), k.next(), k.next()))
          .extracting(LeaseKeepAliveResponse::getID, LeaseKeepAliveResponse::getTTL)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(a, 30L),
              org.assertj.core.groups.Tuple.tuple(b, 40L),
              org.assertj.core.groups.Tuple.tuple(a, 30L));
    }
    assertThat(server.members().stateMachine().lessor().lease(a).orElseThrow().renewedAt())
        .isGreaterThan(0);
  }

  @Test
  void keepAlive_keepsALeaseAlivePastItsTtl() throws Exception {
    long id = lease.leaseGrant(grant(0, MIN_TTL)).getID();
    kv.put(put("kept", id));
    long start = System.nanoTime();

    try (KeepAlive k = new KeepAlive()) {
      // Renew every half TTL for twice the TTL; the key must outlive its TTL.
      long[] lastRenewal = {0};
      TestCluster.await(
          "twice the TTL of keep-alives",
          Duration.ofSeconds(30),
          () -> {
            long now = System.nanoTime();
            if (now - lastRenewal[0] >= TimeUnit.MILLISECONDS.toNanos(MIN_TTL * 500)) {
              lastRenewal[0] = now;
              assertThat(send(k, id).getTTL()).isEqualTo(MIN_TTL);
            }
            return now - start >= TimeUnit.SECONDS.toNanos(2 * MIN_TTL);
          });
    }
    assertThat(keys("kept")).containsExactly("kept");
  }

  @Test
  void expiry_revokesTheLeaseAndDeletesItsKeys_notBeforeTheTtl() {
    long sent = System.nanoTime();
    long id = lease.leaseGrant(grant(0, MIN_TTL)).getID();
    kv.put(put("exp/1", id));
    kv.put(put("exp/2", id));

    TestCluster.await(
        "the expired lease's keys to go", Duration.ofSeconds(20), () -> keys("exp/").isEmpty());

    long elapsed = System.nanoTime() - sent;
    assertThat(elapsed).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(MIN_TTL));
    assertThat(
            lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build()).getTTL())
        .isEqualTo(-1);
    assertThat(lease.leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList())
        .extracting(LeaseStatus::getID)
        .doesNotContain(id);
  }

  @Test
  void leases_surviveARestart() throws Exception {
    Path data = dir.resolve("restart");
    ServerConfig config = ServerConfig.singleMember("r1", data, TestPorts.free(), TestPorts.free());
    long id;
    StoreServer first = StoreServer.start(config, () -> {});
    try {
      first.awaitLeader();
      ManagedChannel c =
          NettyChannelBuilder.forAddress("127.0.0.1", first.clientPort()).usePlaintext().build();
      try {
        id = LeaseGrpc.newBlockingStub(c).leaseGrant(grant(0, 600)).getID();
        KVGrpc.newBlockingStub(c).put(put("survivor", id));
      } finally {
        c.shutdownNow();
      }
    } finally {
      first.close();
    }

    StoreServer second = StoreServer.start(config, () -> {});
    try {
      second.awaitLeader();
      ManagedChannel c =
          NettyChannelBuilder.forAddress("127.0.0.1", second.clientPort()).usePlaintext().build();
      try {
        LeaseTimeToLiveResponse r =
            LeaseGrpc.newBlockingStub(c)
                .leaseTimeToLive(
                    LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(true).build());
        assertThat(r.getGrantedTTL()).isEqualTo(600);
        assertThat(r.getTTL()).isBetween(1L, 600L);
        assertThat(r.getKeysList()).containsExactly(bytes("survivor"));
      } finally {
        c.shutdownNow();
      }
    } finally {
      second.close();
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  /** A keep-alive stream whose responses queue up for the test. */
  private final class KeepAlive implements AutoCloseable {
    final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    final StreamObserver<LeaseKeepAliveRequest> requests;

    KeepAlive() {
      requests =
          LeaseGrpc.newStub(channel)
              .leaseKeepAlive(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse r) {
                      responses.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                      responses.add(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
    }

    LeaseKeepAliveResponse send(long id) throws InterruptedException {
      requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
      return next();
    }

    LeaseKeepAliveResponse next() throws InterruptedException {
      Object r = responses.poll(20, TimeUnit.SECONDS);
      if (r instanceof LeaseKeepAliveResponse response) {
        return response;
      }
      throw new AssertionError("no keep-alive response: " + r);
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }

  private static LeaseKeepAliveResponse send(KeepAlive k, long id) {
    try {
      return k.send(id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private List<String> keys(String prefix) {
    byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] end = start.clone();
    end[end.length - 1]++;
    return kv
        .range(
            RangeRequest.newBuilder()
                .setKey(ByteString.copyFrom(start))
                .setRangeEnd(ByteString.copyFrom(end))
                .build())
        .getKvsList()
        .stream()
        .map(k -> k.getKey().toStringUtf8())
        .toList();
  }

  private void refused(ThrowingCallable call, Status.Code code, String message) {
    long before = server.members().store().currentRevision();
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).isEqualTo(message);
            });
    assertThat(server.members().store().currentRevision()).isEqualTo(before);
  }

  private static LeaseGrantRequest grant(long id, long ttl) {
    return LeaseGrantRequest.newBuilder().setID(id).setTTL(ttl).build();
  }

  private static PutRequest put(String key, long lease) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes("v")).setLease(lease).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }
}
