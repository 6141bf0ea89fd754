package io.strata.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.apply.Command;
import io.strata.server.apply.CommandBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How writes are grouped into entries, against a proposer that records each entry and completes it
 * when the test says so (the replies of a real batch come from {@code CommandApplier}, tested in
 * {@code CommandBatchTest}; the whole path runs in the cluster ITs).
 */
class ProposalBatcherTest {
  // Synchronized: a linger's deadline proposes from the timer's thread.
  private final List<byte[]> entries = Collections.synchronizedList(new ArrayList<>());
  private final List<CompletableFuture<byte[]>> replies =
      Collections.synchronizedList(new ArrayList<>());
  private final Semaphore proposed = new Semaphore(0);

  private CompletableFuture<byte[]> propose(byte[] entry) {
    entries.add(entry);
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    replies.add(f);
    proposed.release();
    return f;
  }

  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final AtomicLong clock = new AtomicLong();

  {
    timer.setRemoveOnCancelPolicy(true); // as RaftNode's
  }

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  private ProposalBatcher lingering(long lingerNanos, int lingerMaxWrites) {
    return new ProposalBatcher(
        this::propose, 1, 1000, 100, lingerNanos, lingerMaxWrites, timer, clock::get);
  }

  private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);

  private static byte[] put(int size) {
    byte[] c = new byte[size];
    c[0] = Command.PUT;
    c[size - 1] = (byte) size;
    return c;
  }

  @Test
  void loneWrite_goesAtOnce_inItsOwnLogForm() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 1, 1000, 100);
    byte[] command = put(5);
    CompletableFuture<byte[]> reply = b.submit(command);

    assertThat(entries).containsExactly(command);
    replies.get(0).complete(new byte[] {42});
    assertThat(reply.getNow(null)).isEqualTo(new byte[] {42});
  }

  @Test
  void writesArrivingWhileOneIsInFlight_goTogether_eachWithItsOwnReply() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 1, 1000, 100);
    CompletableFuture<byte[]> first = b.submit(put(5));
    List<byte[]> waitingCommands = List.of(put(6), put(7), put(8));
    List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
    for (byte[] c : waitingCommands) {
      waiting.add(b.submit(c));
    }
    assertThat(entries).hasSize(1);

    replies.get(0).complete(new byte[] {1});
    assertThat(first.getNow(null)).isEqualTo(new byte[] {1});
    assertThat(entries).hasSize(2);
    assertThat(CommandBatch.decode(entries.get(1))).containsExactlyElementsOf(waitingCommands);
    assertThat(waiting).allSatisfy(f -> assertThat(f).isNotDone());

    replies
        .get(1)
        .complete(
            CommandBatch.encodeReplies(List.of(new byte[] {6}, new byte[] {7}, new byte[] {8})));
    for (int i = 0; i < 3; i++) {
      assertThat(waiting.get(i).getNow(null)).isEqualTo(new byte[] {(byte) (6 + i)});
    }
    // Nothing was waiting any more: the next write goes at once again.
    b.submit(put(9));
    assertThat(entries).hasSize(3);
    assertThat(CommandBatch.isBatch(entries.get(2))).isFalse();
  }

  @Test
  void upToMaxInFlight_entriesGoAtOnce() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 2, 1000, 100);
    b.submit(put(5));
    b.submit(put(6));
    b.submit(put(7));
    assertThat(entries).hasSize(2);
    replies.get(1).complete(new byte[] {0});
    assertThat(entries).hasSize(3);
    assertThat(entries.get(2)).isEqualTo(put(7));
  }

  @Test
  void aFailedEntry_failsEachOfItsWrites_andTheNextGroupStillGoes() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 1, 1000, 100);
    b.submit(put(5));
    CompletableFuture<byte[]> x = b.submit(put(6));
    CompletableFuture<byte[]> y = b.submit(put(7));
    replies.get(0).complete(new byte[] {0});
    CompletableFuture<byte[]> z = b.submit(put(8));

    RaftUnavailableException lost =
        new RaftUnavailableException("etcdserver: leader changed", null);
    replies.get(1).completeExceptionally(lost);
    assertThat(x).isCompletedExceptionally();
    assertThat(y).isCompletedExceptionally();
    assertThat(x.handle((r, e) -> e).join()).isSameAs(lost);
    // z waited behind the failed batch and went out when it failed.
    assertThat(entries).hasSize(3);
    assertThat(entries.get(2)).isEqualTo(put(8));
    replies.get(2).complete(new byte[] {8});
    assertThat(z.getNow(null)).isEqualTo(new byte[] {8});
  }

  @Test
  void aBatch_holdsAtMostMaxBytes_butAnOversizedWriteStillGoesAlone() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 1, 20, 100);
    b.submit(put(5));
    b.submit(put(8));
    b.submit(put(8));
    b.submit(put(8)); // 24 bytes with the two before it: next batch
    b.submit(put(50)); // alone, larger than the limit
    replies.get(0).complete(new byte[] {0});
    assertThat(CommandBatch.decode(entries.get(1))).hasSize(2);

    replies.get(1).complete(CommandBatch.encodeReplies(List.of(new byte[0], new byte[0])));
    // One write of 8 bytes, then the 50-byte one would exceed 20: the 8 goes alone.
    assertThat(entries.get(2)).isEqualTo(put(8));
    replies.get(2).complete(new byte[0]);
    assertThat(entries.get(3)).isEqualTo(put(50));
  }

  @Test
  void aReplyOfTheWrongShape_failsTheBatchsWrites() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 1, 1000, 100);
    b.submit(put(5));
    CompletableFuture<byte[]> x = b.submit(put(6));
    CompletableFuture<byte[]> y = b.submit(put(7));
    replies.get(0).complete(new byte[] {0});
    replies.get(1).complete(CommandBatch.encodeReplies(List.of(new byte[] {1})));
    assertThat(x).isCompletedExceptionally();
    assertThat(y).isCompletedExceptionally();
  }

  @Test
  void aBatch_holdsAtMostMaxCommands() {
    ProposalBatcher b = new ProposalBatcher(this::propose, 1, 1000, 2);
    b.submit(put(5));
    for (int i = 0; i < 5; i++) {
      b.submit(put(6));
    }
    replies.get(0).complete(new byte[] {0});
    assertThat(CommandBatch.decode(entries.get(1))).hasSize(2);
  }

  @Test
  void afterAnEntryOfSeveral_theNextWaitsForItsWritersToComeBack_thenCarriesThemAll() {
    ProposalBatcher b = lingering(AN_HOUR, 32);
    b.submit(put(5));
    b.submit(put(6)); // waits behind the first
    replies.get(0).complete(new byte[] {0});
    // One write completed and one waits: two are expected, so the second stays back...
    assertThat(entries).hasSize(1);
    // ...until the first one's client writes again.
    b.submit(put(7));
    assertThat(entries).hasSize(2);
    assertThat(CommandBatch.decode(entries.get(1))).containsExactly(put(6), put(7));
    assertThat(timer.getQueue()).as("the linger's deadline is cancelled").isEmpty();

    // The entry of two completes with nobody waiting: both writers are expected back.
    replies.get(1).complete(CommandBatch.encodeReplies(List.of(new byte[0], new byte[0])));
    b.submit(put(8));
    assertThat(entries).hasSize(2);
    b.submit(put(9));
    assertThat(CommandBatch.decode(entries.get(2))).containsExactly(put(8), put(9));
  }

  @Test
  void aLoneClient_neverLingers() {
    ProposalBatcher b = lingering(AN_HOUR, 32);
    for (int i = 0; i < 3; i++) {
      b.submit(put(5 + i));
      assertThat(entries).hasSize(i + 1);
      replies.get(i).complete(new byte[] {0});
    }
    assertThat(timer.getQueue()).isEmpty();
  }

  @Test
  void anEntryExpectedToCarryMoreThanLingerMaxWrites_goesAtOnce() {
    ProposalBatcher b = lingering(AN_HOUR, 2);
    b.submit(put(5));
    b.submit(put(6));
    b.submit(put(7));
    replies.get(0).complete(new byte[] {0}); // three expected, more than 2
    assertThat(CommandBatch.decode(entries.get(1))).containsExactly(put(6), put(7));
  }

  @Test
  void aLingerThatTimesOut_sendsWhatWaits_andLingeringPausesAWhile() throws Exception {
    ProposalBatcher b = lingering(TimeUnit.MILLISECONDS.toNanos(1), 32);
    b.submit(put(5));
    proposed.acquire();
    CompletableFuture<byte[]> waiting = b.submit(put(6));
    replies.get(0).complete(new byte[] {0});
    // The first write's client never comes back: the deadline sends the waiting write alone.
    assertThat(proposed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(entries.get(1)).isEqualTo(put(6));
    replies.get(1).complete(new byte[] {6});
    assertThat(waiting.getNow(null)).isEqualTo(new byte[] {6});

    // Paused: a write waiting when an entry completes goes at once.
    b.submit(put(7));
    proposed.acquire();
    b.submit(put(8));
    replies.get(2).complete(new byte[] {0});
    assertThat(proposed.tryAcquire()).isTrue();
    assertThat(entries.get(3)).isEqualTo(put(8));

    // Once the pause is over, lingering resumes.
    clock.addAndGet(ProposalBatcher.LINGER_PAUSE_NANOS);
    b.submit(put(9));
    replies.get(3).complete(new byte[] {0});
    assertThat(entries).hasSize(4);
  }

  @Test
  void aLingerThatTimesOut_withSomeWritersBack_doesNotPause() throws Exception {
    ProposalBatcher b = lingering(TimeUnit.MILLISECONDS.toNanos(1), 32);
    b.submit(put(5));
    b.submit(put(6));
    b.submit(put(7));
    replies.get(0).complete(new byte[] {0}); // three expected, two wait: lingers
    b.submit(put(8)); // the first writer is back
    assertThat(entries).hasSize(2);
    proposed.acquire(2);
    replies
        .get(1)
        .complete(CommandBatch.encodeReplies(List.of(new byte[0], new byte[0], new byte[0])));
    // Three expected back; one comes, the other two never do.
    b.submit(put(9));
    assertThat(proposed.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(entries.get(2)).isEqualTo(put(9));

    // Not paused: the next entry lingers again.
    b.submit(put(10));
    replies.get(2).complete(new byte[] {0});
    assertThat(entries).hasSize(3);
  }
}
