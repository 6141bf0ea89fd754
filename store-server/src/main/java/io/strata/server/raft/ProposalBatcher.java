package io.strata.server.raft;

import io.strata.server.apply.CommandBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Groups KV writes that arrive while earlier ones are being replicated into one Raft entry (a
 * {@link CommandBatch}), so that a busy cluster pays the fixed cost of an entry once per group.
 *
 * <p>At most {@code maxInFlight} entries are proposed at a time. A write that finds fewer in flight
 * and nobody waiting is proposed at once, alone and in its own log form, so a lone client waits no
 * longer than without batching. Otherwise it waits; when an entry completes, the writes waiting
 * meanwhile go out together, as many as fit in {@code maxBytes} (at least one). The batch size thus
 * follows the load: one write per entry when clients are few, many when they are not.
 *
 * <p>Each write gets its own reply, or the error of its entry. Thread safe.
 */
final class ProposalBatcher {
  private final Function<byte[], CompletableFuture<byte[]>> propose;
  private final int maxInFlight;
  private final int maxBytes;
  private final int maxCommands;

  private final Object lock = new Object();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int inFlight;

  private record Pending(byte[] command, CompletableFuture<byte[]> reply) {}

  /**
   * @param propose replicates one entry and completes with its reply
   * @param maxBytes the most command bytes in one batch (a larger single command goes alone)
   */
  ProposalBatcher(
      Function<byte[], CompletableFuture<byte[]>> propose,
      int maxInFlight,
      int maxBytes,
      int maxCommands) {
    if (maxInFlight < 1 || maxCommands < 1) {
      throw new IllegalArgumentException("maxInFlight and maxCommands must be at least 1");
    }
    this.propose = propose;
    this.maxInFlight = maxInFlight;
    this.maxBytes = maxBytes;
    this.maxCommands = maxCommands;
  }

  /**
   * Proposes {@code command} (one {@link CommandBatch#batchable} log form) and returns its reply.
   */
  CompletableFuture<byte[]> submit(byte[] command) {
    Pending p = new Pending(command, new CompletableFuture<>());
    boolean now;
    synchronized (lock) {
      now = inFlight < maxInFlight && waiting.isEmpty();
      if (now) {
        inFlight++;
      } else {
        waiting.add(p);
      }
    }
    if (now) {
      send(List.of(p));
    }
    return p.reply();
  }

  private void send(List<Pending> group) {
    CompletableFuture<byte[]> entry;
    try {
      if (group.size() == 1) {
        entry = propose.apply(group.get(0).command());
      } else {
        List<byte[]> commands = new ArrayList<>(group.size());
        for (Pending p : group) {
          commands.add(p.command());
        }
        entry = propose.apply(CommandBatch.encode(commands));
      }
    } catch (RuntimeException e) {
      entry = CompletableFuture.failedFuture(e);
    }
    entry.whenComplete((reply, error) -> done(group, reply, error));
  }

  private void done(List<Pending> group, byte @Nullable [] reply, @Nullable Throwable error) {
    // The next group goes out first: the writes waiting behind this entry should not also wait
    // for its replies to be delivered.
    @Nullable List<Pending> next = null;
    synchronized (lock) {
      if (waiting.isEmpty()) {
        inFlight--;
      } else {
        next = takeGroup();
      }
    }
    if (next != null) {
      send(next);
    }
    if (error != null) {
      for (Pending p : group) {
        p.reply().completeExceptionally(error);
      }
    } else if (group.size() == 1) {
      group.get(0).reply().complete(reply);
    } else {
      deliver(group, java.util.Objects.requireNonNull(reply));
    }
  }

  private static void deliver(List<Pending> group, byte[] reply) {
    List<byte[]> replies;
    try {
      replies = CommandBatch.decodeReplies(reply);
      if (replies.size() != group.size()) {
        throw new IllegalStateException(
            replies.size() + " replies to a batch of " + group.size() + " commands");
      }
    } catch (RuntimeException e) {
      for (Pending p : group) {
        p.reply().completeExceptionally(e);
      }
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      group.get(i).reply().complete(replies.get(i));
    }
  }

  /** The waiting writes that fit in one entry, oldest first. Call with the lock held. */
  private List<Pending> takeGroup() {
    List<Pending> group = new ArrayList<>();
    long bytes = 0;
    while (!waiting.isEmpty() && group.size() < maxCommands) {
      Pending p = java.util.Objects.requireNonNull(waiting.peek());
      if (!group.isEmpty() && bytes + p.command().length > maxBytes) {
        break;
      }
      bytes += p.command().length;
      group.add(waiting.remove());
    }
    return group;
  }
}
