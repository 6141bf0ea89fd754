package io.strata.server.raft;

import io.strata.server.apply.CommandBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
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
 * <p>With one entry in flight, closed-loop clients (each sends its next write once the last is
 * answered) split into two groups that take turns: while one group's entry replicates, the other's
 * writes wait for it. Each client then waits two rounds per write, and each entry carries half the
 * clients, so the fixed cost of an entry is shared by few writes. Hence the <em>linger</em>: when
 * an entry of a few writes ({@code lingerMaxWrites} at most, counting those waiting) completes, the
 * next one waits, for at most {@code lingerNanos}, until as many writes wait as the completed entry
 * carried plus those waiting then: the writers just answered usually come straight back, and all of
 * them go in one entry. A linger that times out with none of them back means the clients pause
 * between writes; lingering then stops for {@link #LINGER_PAUSE_NANOS}, so that such clients pay
 * its delay at most a few times a second. A lone client never lingers: an entry of one write with
 * none waiting expects nobody.
 *
 * <p>Each write gets its own reply, or the error of its entry. Thread safe.
 */
final class ProposalBatcher {
  private final Function<byte[], CompletableFuture<byte[]>> propose;
  private final int maxInFlight;
  private final int maxBytes;
  private final int maxCommands;

  private final long lingerNanos;
  private final int lingerMaxWrites;
  private final @Nullable ScheduledExecutorService timer;
  private final LongSupplier clock;

  /** After a linger that timed out, none for this long. */
  static final long LINGER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Object lock = new Object();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int inFlight;

  /**
   * While above 0, a linger holds an entry slot until this many writes wait. Guarded by {@link
   * #lock}.
   */
  private int lingerTarget;

  /** Tells a linger's deadline from a later linger's. Guarded by {@link #lock}. */
  private long lingerId;

  /** How many writes waited when the current linger began. Guarded by {@link #lock}. */
  private int lingerStartWaiting;

  /** The current linger's timeout. Guarded by {@link #lock}. */
  private @Nullable ScheduledFuture<?> lingerDeadline;

  /** No linger starts before this {@link #clock} time. Guarded by {@link #lock}. */
  private long lingerPausedUntil;

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
    this(propose, maxInFlight, maxBytes, maxCommands, 0, 0, null, System::nanoTime);
  }

  /**
   * @param lingerNanos the longest a linger holds an entry back; 0 for none
   * @param lingerMaxWrites no linger when the expected entry would carry more writes than this
   * @param timer ends lingers that time out; required when {@code lingerNanos > 0}
   * @param clock nanoTime, for the pause after a linger that timed out
   */
  ProposalBatcher(
      Function<byte[], CompletableFuture<byte[]>> propose,
      int maxInFlight,
      int maxBytes,
      int maxCommands,
      long lingerNanos,
      int lingerMaxWrites,
      @Nullable ScheduledExecutorService timer,
      LongSupplier clock) {
    if (maxInFlight < 1 || maxCommands < 1) {
      throw new IllegalArgumentException("maxInFlight and maxCommands must be at least 1");
    }
    if (lingerNanos < 0 || (lingerNanos > 0 && timer == null)) {
      throw new IllegalArgumentException("a linger needs a timer and a duration of at least 0");
    }
    this.propose = propose;
    this.maxInFlight = maxInFlight;
    this.maxBytes = maxBytes;
    this.maxCommands = maxCommands;
    this.lingerNanos = lingerNanos;
    this.lingerMaxWrites = Math.min(lingerMaxWrites, maxCommands);
    this.timer = timer;
    this.clock = clock;
  }

  /**
   * Proposes {@code command} (one {@link CommandBatch#batchable} log form) and returns its reply.
   */
  CompletableFuture<byte[]> submit(byte[] command) {
    Pending p = new Pending(command, new CompletableFuture<>());
    boolean now;
    @Nullable List<Pending> group = null;
    @Nullable ScheduledFuture<?> deadline = null;
    synchronized (lock) {
      now = lingerTarget == 0 && inFlight < maxInFlight && waiting.isEmpty();
      if (now) {
        inFlight++;
      } else {
        waiting.add(p);
        if (lingerTarget > 0 && waiting.size() >= lingerTarget) {
          // The writers came back: the linger ends, and its slot carries them all.
          deadline = endLinger();
          group = takeGroup();
        }
      }
    }
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (now) {
      send(List.of(p));
    } else if (group != null) {
      send(group);
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
      int expected = group.size() + waiting.size();
      if (lingerNanos > 0
          && expected >= 2
          && expected <= lingerMaxWrites
          && waiting.size() < expected
          && clock.getAsLong() - lingerPausedUntil >= 0) {
        // Keeps the slot: see the class comment.
        lingerTarget = expected;
        lingerStartWaiting = waiting.size();
        long id = ++lingerId;
        lingerDeadline =
            Objects.requireNonNull(timer)
                .schedule(() -> lingerTimedOut(id), lingerNanos, TimeUnit.NANOSECONDS);
      } else {
        next = passSlotOn();
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

  /**
   * Hands a freed entry slot to the writes waiting, as the group to send, or gives it up when none
   * wait. Call with the lock held.
   */
  private @Nullable List<Pending> passSlotOn() {
    if (waiting.isEmpty()) {
      inFlight--;
      return null;
    }
    return takeGroup();
  }

  /** Ends the current linger and returns its deadline to cancel. Call with the lock held. */
  private @Nullable ScheduledFuture<?> endLinger() {
    lingerTarget = 0;
    lingerId++;
    ScheduledFuture<?> deadline = lingerDeadline;
    lingerDeadline = null;
    return deadline;
  }

  /**
   * The writers did not all come back in time: what waits goes now. If none came back at all, the
   * clients pause between writes, and lingering pauses too; one slow writer among several that came
   * back (a GC pause, a busy core) is no reason to.
   */
  private void lingerTimedOut(long id) {
    @Nullable List<Pending> next = null;
    synchronized (lock) {
      if (lingerTarget == 0 || id != lingerId) {
        return; // ended by the writers' return, its cancel too late to stop this
      }
      endLinger();
      if (waiting.size() <= lingerStartWaiting) {
        lingerPausedUntil = clock.getAsLong() + LINGER_PAUSE_NANOS;
      }
      next = passSlotOn();
    }
    if (next != null) {
      send(next);
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
