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
import io.strata.api.etcdserverpb.LeaseTimeToLiveRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.v3lockpb.LockGrpc;
import io.strata.api.v3lockpb.LockRequest;
import io.strata.api.v3lockpb.LockResponse;
import io.strata.api.v3lockpb.UnlockRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestCluster;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's Lock service over the wire from one running member: the key layout, reuse of a held key,
 * waiting and handing over, lease 0, cancellation, and etcd's errors (code Unknown, exact text).
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private StoreServer server;
  private ManagedChannel channel;
  private LockGrpc.LockBlockingStub lock;
  private LockGrpc.LockStub lockAsync;
  private LeaseGrpc.LeaseBlockingStub lease;
  private KVGrpc.KVBlockingStub kv;

  @BeforeAll
  void start() throws IOException {
    server =
        StoreServer.start(
            ServerConfig.singleMember("k1", dir.resolve("k1"), TestPorts.free(), TestPorts.free()),
            () -> {});
    server.awaitLeader();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.clientPort()).usePlaintext().build();
    lock = LockGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    lockAsync = LockGrpc.newStub(channel);
    lease = LeaseGrpc.newBlockingStub(channel);
    kv = KVGrpc.newBlockingStub(channel);
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void lock_uncontended_keyIsNameSlashLeaseHex_unlockDeletesIt() {
    long id = grant();
    LockResponse r = lock.lock(request("a", id));

    assertThat(r.getKey().toStringUtf8()).isEqualTo("a/" + Long.toHexString(id));
    assertThat(r.getHeader().getRevision()).isEqualTo(server.members().store().currentRevision());
    assertThat(r.getHeader().getMemberId()).isNotZero();
    var held = kv.range(RangeRequest.newBuilder().setKey(r.getKey()).build()).getKvs(0);
    assertThat(held.getLease()).isEqualTo(id);
    assertThat(held.getValue()).isEmpty();

    var unlocked = lock.unlock(UnlockRequest.newBuilder().setKey(r.getKey()).build());
    assertThat(unlocked.getHeader().getRevision()).isEqualTo(held.getModRevision() + 1);
    assertThat(count("a/")).isZero();
  }

  @Test
  void lock_sameLeaseAgain_reusesTheHeldKey() {
    long id = grant();
    LockResponse first = lock.lock(request("b", id));
    LockResponse again = lock.lock(request("b", id));

    assertThat(again.getKey()).isEqualTo(first.getKey());
    assertThat(kv.range(key(first.getKey())).getKvs(0).getVersion()).isEqualTo(1);
    lock.unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build());
  }

  @Test
  void lock_contended_waitsForOlderKeysThenHandsOver() throws Exception {
    long a = grant();
    long b = grant();
    long c = grant();
    LockResponse first = lock.lock(request("c", a));
    CompletableFuture<LockResponse> second = lockAsync(request("c", b));
    awaitCount("c/", 2);
    CompletableFuture<LockResponse> third = lockAsync(request("c", c));
    awaitCount("c/", 3);
    assertThat(second).isNotDone();

    lock.unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build());
    LockResponse got = second.get(20, TimeUnit.SECONDS);
    assertThat(got.getKey().toStringUtf8()).isEqualTo("c/" + Long.toHexString(b));
    assertThat(third).isNotDone();

    // The owner's lease going away hands the lock over just as an unlock does.
    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(b).build());
    assertThat(third.get(20, TimeUnit.SECONDS).getKey().toStringUtf8())
        .isEqualTo("c/" + Long.toHexString(c));
  }

  @Test
  void lock_leaseZero_attachesANewSixtySecondLease() {
    LockResponse r = lock.lock(LockRequest.newBuilder().setName(bytes("d")).build());

    long id = kv.range(key(r.getKey())).getKvs(0).getLease();
    assertThat(r.getKey().toStringUtf8()).isEqualTo("d/" + Long.toHexString(id));
    var ttl = lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build());
    assertThat(ttl.getGrantedTTL()).isEqualTo(Recipes.SESSION_TTL);
    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
  }

  @Test
  void lock_leaseRevokedWhileWaiting_failsWithSessionExpired() {
    long holder = grant();
    long waiter = grant();
    LockResponse held = lock.lock(request("e", holder));
    CompletableFuture<LockResponse> waiting = lockAsync(request("e", waiter));
    awaitCount("e/", 2);

    lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(waiter).build());
    assertThatThrownBy(() -> waiting.get(20, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            s -> {
              assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(s.getStatus().getDescription()).isEqualTo("mutex: session is expired");
            });
    assertThat(kv.range(key(held.getKey())).getKvsCount()).isEqualTo(1);
  }

  @Test
  void lock_waiterCanceled_deletesItsKey() {
    long holder = grant();
    long waiter = grant();
    lock.lock(request("f", holder));
    Context.CancellableContext call = Context.current().withCancellation();
    call.run(() -> lockAsync(request("f", waiter)));
    awaitCount("f/", 2);

    call.cancel(null);
    awaitCount("f/", 1);
    assertThat(kv.range(key(bytes("f/" + Long.toHexString(holder)))).getKvsCount()).isEqualTo(1);
  }

  @Test
  void errors_areUnknownWithEtcdsMessages() {
    refused(() -> lock.lock(request("g", 0x7777)), "etcdserver: requested lease not found");
    refused(
        () -> lock.unlock(UnlockRequest.getDefaultInstance()), "etcdserver: key is not provided");
  }

  private CompletableFuture<LockResponse> lockAsync(LockRequest request) {
    CompletableFuture<LockResponse> f = new CompletableFuture<>();
    lockAsync.lock(
        request,
        new StreamObserver<>() {
          @Override
          public void onNext(LockResponse r) {
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

  private static void refused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            s -> {
              assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(s.getStatus().getDescription()).isEqualTo(message);
            });
  }

  private static RangeRequest key(ByteString key) {
    return RangeRequest.newBuilder().setKey(key).build();
  }

  private static LockRequest request(String name, long lease) {
    return LockRequest.newBuilder().setName(bytes(name)).setLease(lease).build();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
