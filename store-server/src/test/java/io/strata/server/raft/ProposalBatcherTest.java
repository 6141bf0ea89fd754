package io.strata.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.apply.Command;
import io.strata.server.apply.CommandBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How writes are grouped into entries, against a proposer that records each entry and completes it
 * when the test says so (the replies of a real batch come from {@code CommandApplier}, tested in
 * {@code CommandBatchTest}; the whole path runs in the cluster ITs).
 */
class ProposalBatcherTest {
  private final List<byte[]> entries = new ArrayList<>();
  private final List<CompletableFuture<byte[]>> replies = new ArrayList<>();

  private CompletableFuture<byte[]> propose(byte[] entry) {
    entries.add(entry);
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    replies.add(f);
    return f;
  }

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
}
