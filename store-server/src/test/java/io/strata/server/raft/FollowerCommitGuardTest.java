package io.strata.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Test;

/**
 * The guard against seeds 1012 and 1006 (docs/robustness.md): a heartbeat that arrives while an
 * append is in flight must not raise the follower's commit index, and only an append that continues
 * those in flight (same term, later indices) reaches Ratis beside them. The server behind the guard
 * is a recording fake whose appends complete when the test says so.
 */
class FollowerCommitGuardTest {
  /** What reached the server, in order, with the futures it returned. */
  private final List<AppendEntriesRequestProto> received = new CopyOnWriteArrayList<>();

  private final List<CompletableFuture<AppendEntriesReplyProto>> pending =
      new CopyOnWriteArrayList<>();

  private final RaftServer guarded =
      FollowerCommitGuard.wrap(
          (RaftServer)
              Proxy.newProxyInstance(
                  RaftServer.class.getClassLoader(),
                  new Class<?>[] {RaftServer.class},
                  (proxy, method, args) -> {
                    switch (method.getName()) {
                      case "appendEntriesAsync" -> {
                        received.add((AppendEntriesRequestProto) args[0]);
                        CompletableFuture<AppendEntriesReplyProto> f = new CompletableFuture<>();
                        pending.add(f);
                        return f;
                      }
                      case "getId" -> {
                        return RaftPeerId.valueOf("m1");
                      }
                      default -> throw new UnsupportedOperationException(method.getName());
                    }
                  }));

  @Test
  void heartbeat_keepsItsCommitIndex_whenNoAppendIsInFlight() throws Exception {
    guarded.appendEntriesAsync(heartbeat(4, 3850));

    assertThat(received)
        .singleElement()
        .satisfies(r -> assertThat(r.getLeaderCommit()).isEqualTo(3850));
  }

  @Test
  void heartbeat_raisesNoCommitIndex_whileAnAppendIsInFlight_andDoesAgainAfterIt()
      throws Exception {
    CompletableFuture<AppendEntriesReplyProto> append =
        guarded.appendEntriesAsync(append(4, 3841, 5));
    guarded.appendEntriesAsync(heartbeat(4, 3850));

    assertThat(received).hasSize(2);
    assertThat(received.get(1).getLeaderCommit()).as("heartbeat behind an append").isZero();
    assertThat(received.get(1).getLeaderTerm()).isEqualTo(4);

    pending.get(0).complete(AppendEntriesReplyProto.getDefaultInstance());
    append.get(10, TimeUnit.SECONDS);
    awaitNoAppendInFlight(4, 3860);
    assertThat(received.get(received.size() - 1).getLeaderCommit()).isEqualTo(3860);
  }

  @Test
  void appendsOfOneTerm_reachRatisTogether() throws Exception {
    guarded.appendEntriesAsync(append(4, 3841, 5));
    guarded.appendEntriesAsync(append(4, 3846, 5));

    assertThat(received).hasSize(2);
  }

  @Test
  void appendThatOverlapsOneInFlight_waitsForIt() throws Exception {
    guarded.appendEntriesAsync(append(5, 2655, 2));
    guarded.appendEntriesAsync(append(5, 2655, 6)); // a resend with more entries
    guarded.appendEntriesAsync(append(5, 2661, 1));

    assertThat(received).as("the resend and everything behind it wait").hasSize(1);

    pending.get(0).complete(AppendEntriesReplyProto.getDefaultInstance());
    awaitReceived(3);
    assertThat(received.get(1).getEntriesCount()).isEqualTo(6);
    assertThat(received.get(2).getEntries(0).getIndex()).isEqualTo(2661);
  }

  @Test
  void appendOfANewTerm_waitsForTheOlderTermsAppends() throws Exception {
    guarded.appendEntriesAsync(append(3, 3841, 3));
    CompletableFuture<AppendEntriesReplyProto> newer =
        guarded.appendEntriesAsync(append(4, 3841, 5));
    CompletableFuture<AppendEntriesReplyProto> after =
        guarded.appendEntriesAsync(append(4, 3846, 1));

    assertThat(received).as("the term-4 appends wait").hasSize(1);

    pending.get(0).complete(AppendEntriesReplyProto.getDefaultInstance());
    awaitReceived(3);
    assertThat(received.get(1).getLeaderTerm()).isEqualTo(4);
    assertThat(received.get(1).getEntries(0).getIndex()).isEqualTo(3841);
    assertThat(received.get(2).getEntries(0).getIndex()).as("in arrival order").isEqualTo(3846);

    AppendEntriesReplyProto reply = AppendEntriesReplyProto.newBuilder().setNextIndex(3846).build();
    pending.get(1).complete(reply);
    assertThat(newer.get(10, TimeUnit.SECONDS))
        .as("the caller gets Ratis's reply")
        .isEqualTo(reply);
    assertThat(after).isNotDone();
  }

  /** Sends heartbeats until one reaches the server with its commit index (appends all done). */
  private void awaitNoAppendInFlight(long term, long commit) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      guarded.appendEntriesAsync(heartbeat(term, commit));
      if (received.get(received.size() - 1).getLeaderCommit() == commit) {
        return;
      }
      assertThat(System.nanoTime()).as("appends still in flight").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private void awaitReceived(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.size() < count) {
      assertThat(System.nanoTime()).as("requests reaching the server").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static AppendEntriesRequestProto heartbeat(long term, long leaderCommit) {
    return AppendEntriesRequestProto.newBuilder()
        .setLeaderTerm(term)
        .setLeaderCommit(leaderCommit)
        .build();
  }

  private static AppendEntriesRequestProto append(long term, long first, int count) {
    AppendEntriesRequestProto.Builder b =
        AppendEntriesRequestProto.newBuilder().setLeaderTerm(term).setLeaderCommit(first - 1);
    for (int i = 0; i < count; i++) {
      b.addEntries(LogEntryProto.newBuilder().setTerm(term).setIndex(first + i));
    }
    return b.build();
  }
}
