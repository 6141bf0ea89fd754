package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.WatchCreateRequest;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.server.TestCluster.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * etcd's watch guarantees on a follower while the leader dies and comes back: one watcher over the
 * whole key space sees every revision exactly once, in order, with no gap, and every acknowledged
 * write among them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WatchFailoverIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final byte[] ALL_KEYS = {0};

  private @Nullable TestCluster cluster;

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void watcherOnFollower_leaderKilledAndRestarted_seesEveryRevisionOnceInOrder(TestInfo info)
      throws Exception {
    TestCluster c =
        cluster =
            TestCluster.start(
                "WatchFailoverIT/" + info.getTestMethod().orElseThrow().getName(),
                3,
                TestCluster.FAST_ELECTION);
    Member leader = c.awaitLeader(LONG);
    Member follower = c.followers(LONG).get(0);
    long from = leader.status().getHeader().getRevision() + 1;

    ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    CompletableFuture<Long> created = new CompletableFuture<>();
    CompletableFuture<Throwable> broken = new CompletableFuture<>();
    StreamObserver<WatchRequest> stream =
        WatchGrpc.newStub(follower.channel())
            .watch(
                new StreamObserver<>() {
                  @Override
                  public void onNext(WatchResponse r) {
                    if (r.getCreated()) {
                      created.complete(r.getWatchId());
                    }
                    if (r.getCanceled()) {
                      broken.complete(new AssertionError("watch canceled: " + r));
                    }
                    events.addAll(r.getEventsList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    broken.complete(t);
                  }

                  @Override
                  public void onCompleted() {
                    broken.complete(new AssertionError("watch stream completed"));
                  }
                });
    stream.onNext(
        WatchRequest.newBuilder()
            .setCreateRequest(
                WatchCreateRequest.newBuilder()
                    .setKey(ByteString.copyFrom(ALL_KEYS))
                    .setRangeEnd(ByteString.copyFrom(ALL_KEYS))
                    .setStartRevision(from))
            .build());
    created.get(LONG.toSeconds(), TimeUnit.SECONDS);

    long last;
    try (RecordingWriter writer = new RecordingWriter(c, "wf", 4, 16, 3_000)) {
      writer.awaitAcked(800, LONG);
      c.kill(leader);
      Member newLeader = c.awaitLeader(LONG);
      assertThat(newLeader).isNotSameAs(leader);
      writer.awaitAcked(1_600, LONG);
      c.restart(leader);
      writer.awaitDone(LONG);
      last = c.awaitSameRevision(LONG);

      TestCluster.await(
          "the follower's watcher to reach revision " + last,
          LONG,
          () -> {
            assertThat(broken).isNotDone();
            return events.size() >= last - from + 1;
          });
      Set<String> seen = new HashSet<>();
      List<Long> revisions = new ArrayList<>();
      for (Event e : events) {
        revisions.add(e.getKv().getModRevision());
        seen.add(e.getKv().getKey().toStringUtf8());
      }
      // Only the writer writes, one put per revision: the watcher must see each revision once.
      assertThat(revisions)
          .containsExactlyElementsOf(LongStream.rangeClosed(from, last).boxed().toList());
      assertThat(seen).containsAll(writer.ackedWrites().keySet());
      System.out.printf(
          "WatchFailoverIT: %d events from %s (revisions %d..%d) across the kill and restart of %s%n",
          revisions.size(), follower, from, last, leader);
    } finally {
      stream.onCompleted();
    }
  }
}
