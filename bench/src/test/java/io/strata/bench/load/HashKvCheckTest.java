package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.HashKVRequest;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.StatusRequest;
import io.strata.api.etcdserverpb.StatusResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HashKvCheck} against fake members whose revision, hash and compact revision each test
 * sets: it must wait for a lagging member, tell a mismatch from agreement, wait out a compaction
 * still being applied, and fail (not hang, not agree) when a member cannot be checked. The check
 * against a real member is in {@link WorkloadSmokeTest}.
 */
@Timeout(60)
class HashKvCheckTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private final List<Server> servers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void run_laggingMember_hashesOnceItReachedTheRevision_agree() throws Exception {
    FakeMember leader = new FakeMember(10, 0xCAFEF00DL, 0);
    // Five revisions behind; it applies one more each time it is asked for its status, and
    // refuses a HashKV at a revision it has not reached, as etcd does.
    FakeMember follower = new FakeMember(5, 0xCAFEF00DL, 0);
    follower.catchUpTo = 10;

    HashKvCheck.Outcome c =
        HashKvCheck.run(
            List.of(member("m1", leader), member("m2", follower)),
            Duration.ofSeconds(30),
            REQUEST_TIMEOUT);

    assertThat(c.verdict()).isEqualTo(HashKvCheck.Verdict.AGREE);
    assertThat(c.revision()).isEqualTo(10);
    assertThat(c.hashes())
        .containsExactly(
            new HashKvCheck.MemberHash("m1", 0xCAFEF00DL, 0),
            new HashKvCheck.MemberHash("m2", 0xCAFEF00DL, 0));
    assertThat(leader.hashedAt).containsExactly(10L);
    assertThat(follower.hashedAt).containsExactly(10L);
    assertThat(c.errors()).isEmpty();
    assertThat(c.summary())
        .isEqualTo("HashKV at revision 10: agree; hashes m1 3405705229 / m2 3405705229");
  }

  @Test
  void run_differentHashes_mismatchIsAnErrorOfTheRun() throws Exception {
    HashKvCheck.Outcome c =
        HashKvCheck.run(
            List.of(
                member("m1", new FakeMember(7, 1, 0)),
                member("m2", new FakeMember(7, 1, 0)),
                member("m3", new FakeMember(7, 2, 0))),
            Duration.ofSeconds(30),
            REQUEST_TIMEOUT);
    LoadResult r = LoadResultTest.sample().withHashKv(c);

    assertThat(c.verdict()).isEqualTo(HashKvCheck.Verdict.MISMATCH);
    assertThat(c.hashText()).isEqualTo("m1 1 / m2 1 / m3 2");
    assertThat(r.errors()).containsEntry("HASHKV_MISMATCH", 1L);
    assertThat(r.details()).containsEntry("hashkv_revision", 7L);
    assertThat(r.toJson()).contains("\"HASHKV_MISMATCH\":1").contains("\"hashkv_revision\":7");
  }

  @Test
  void run_compactionStillBeingApplied_hashesAgainUntilTheCompactRevisionsAgree() throws Exception {
    FakeMember behind = new FakeMember(9, 5, 0);
    behind.compactAfterHashes = 2; // its third HashKV answer comes after the compaction

    HashKvCheck.Outcome c =
        HashKvCheck.run(
            List.of(member("m1", new FakeMember(9, 5, 4)), member("m2", behind)),
            Duration.ofSeconds(30),
            REQUEST_TIMEOUT);

    assertThat(c.verdict()).isEqualTo(HashKvCheck.Verdict.AGREE);
    assertThat(behind.hashedAt).hasSize(3);
  }

  @Test
  void run_compactRevisionsNeverAgree_failsAtTheTimeout() throws Exception {
    HashKvCheck.Outcome c =
        HashKvCheck.run(
            List.of(member("m1", new FakeMember(9, 5, 4)), member("m2", new FakeMember(9, 5, 0))),
            Duration.ofMillis(300),
            REQUEST_TIMEOUT);

    assertThat(c.verdict()).isEqualTo(HashKvCheck.Verdict.FAILED);
    assertThat(c.reason()).contains("compact revisions differ");
    assertThat(c.errors()).isEqualTo(Map.of("HASHKV_FAILED", 1L));
  }

  @Test
  void run_memberNeverReachesTheRevision_failsAtTheTimeout() throws Exception {
    HashKvCheck.Outcome c =
        HashKvCheck.run(
            List.of(member("m1", new FakeMember(9, 5, 0)), member("m2", new FakeMember(3, 5, 0))),
            Duration.ofMillis(300),
            REQUEST_TIMEOUT);

    assertThat(c.verdict()).isEqualTo(HashKvCheck.Verdict.FAILED);
    assertThat(c.revision()).isEqualTo(9);
    assertThat(c.reason()).contains("m2 was still at revision 3");
  }

  @Test
  void run_memberDown_failsAtTheTimeout() throws Exception {
    HashKvCheck.Outcome c =
        HashKvCheck.run(
            List.of(
                member("m1", new FakeMember(9, 5, 0)),
                new HashKvCheck.Member("m2", "127.0.0.1:" + closedPort())),
            Duration.ofMillis(500),
            REQUEST_TIMEOUT);

    assertThat(c.verdict()).isEqualTo(HashKvCheck.Verdict.FAILED);
    assertThat(c.reason()).contains("m2 did not answer").contains("UNAVAILABLE");
  }

  private HashKvCheck.Member member(String name, FakeMember fake) throws IOException {
    Server s =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(fake)
            .build()
            .start();
    servers.add(s);
    return new HashKvCheck.Member(name, "127.0.0.1:" + s.getPort());
  }

  /** A port nothing listens on: the OS picked it as free, and it was closed again. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Just enough of etcd's Maintenance service: Status and HashKV of a made-up member. */
  private static final class FakeMember extends MaintenanceGrpc.MaintenanceImplBase {
    private final long hash;
    private final long compactRevision;
    private long revision;

    /** Revision the member catches up to, one per Status request (0: it does not move). */
    long catchUpTo;

    /** HashKV answers given with compact revision 0 before the member reports 4 (-1: never). */
    int compactAfterHashes = -1;

    final List<Long> hashedAt = new ArrayList<>();
    private final AtomicInteger hashes = new AtomicInteger();

    FakeMember(long revision, long hash, long compactRevision) {
      this.revision = revision;
      this.hash = hash;
      this.compactRevision = compactRevision;
    }

    @Override
    public synchronized void status(StatusRequest request, StreamObserver<StatusResponse> out) {
      long now = revision;
      if (revision < catchUpTo) {
        revision++;
      }
      out.onNext(
          StatusResponse.newBuilder()
              .setHeader(ResponseHeader.newBuilder().setRevision(now))
              .build());
      out.onCompleted();
    }

    @Override
    public synchronized void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
      if (request.getRevision() > revision) {
        out.onError(
            Status.OUT_OF_RANGE
                .withDescription("etcdserver: mvcc: required revision is a future revision")
                .asRuntimeException());
        return;
      }
      hashedAt.add(request.getRevision());
      long compact =
          compactAfterHashes >= 0 && hashes.getAndIncrement() >= compactAfterHashes
              ? 4
              : compactRevision;
      out.onNext(
          HashKVResponse.newBuilder()
              .setHeader(ResponseHeader.newBuilder().setRevision(revision))
              .setHash((int) hash)
              .setCompactRevision(compact)
              .build());
      out.onCompleted();
    }
  }
}
