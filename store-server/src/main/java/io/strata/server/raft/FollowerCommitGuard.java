package io.strata.server.raft;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.server.RaftServer;
import org.jspecify.annotations.Nullable;

/**
 * Stands between Ratis's gRPC transport and its server so that a follower never counts as committed
 * a log entry it is about to overwrite, nor loses track of its own log (docs/robustness.md, seeds
 * 1012 and 1006).
 *
 * <p>Ratis 3.2.2 appends a follower's entries asynchronously, one batch after another, and accepts
 * a request whose previous entry is only in a batch still waiting to be appended. A heartbeat (a
 * request without entries) does not wait for those batches: it raises the commit index at once. If
 * the follower still holds entries from an older term at those indices, entries that a waiting
 * batch is about to overwrite, it applies them. That happened to a leader cut off with two
 * uncommitted writes: as follower of the next leader it applied both, and its store diverged from
 * every other member's.
 *
 * <p>So, while an append is in flight, a heartbeat reaches Ratis with its leader commit index set
 * to 0: it still resets the election timer and answers the read-index round, but it raises no
 * commit index (the append's own reply does, after its entries are in the log).
 *
 * <p>Ratis also tells two waiting batches apart by their first index only: a second batch that
 * starts where a waiting one starts is taken as a copy of it and dropped, yet answered as appended
 * up to its own end. After a leader change, or a resend with more entries of a batch still being
 * appended, the leader then believes the follower holds entries it does not, and every later append
 * fails (seed 1006: "Difference between entry index and RaftLog's last index ... is greater than 1"
 * until the end of the run). So an append goes on to Ratis while others are in flight only if it
 * continues them: same term, starting after the last index in flight. Any other append, and every
 * append behind it, waits until those in flight are done.
 *
 * <p>All of this happens under one lock, so that no append starts while Ratis checks a heartbeat.
 * Completions are handled on a thread of this class's own, never on a Ratis thread that may hold a
 * Ratis lock.
 */
final class FollowerCommitGuard implements InvocationHandler {
  private final RaftServer server;
  private final ExecutorService completions;
  private final Object lock = new Object();

  /** Appends passed to Ratis whose replies have not completed; guarded by {@link #lock}. */
  private int appendsInFlight;

  /** The leader term of the appends in flight; guarded by {@link #lock}. */
  private long inFlightTerm;

  /** The last log index of the appends in flight; guarded by {@link #lock}. */
  private long inFlightLastIndex;

  /** Appends waiting for those in flight to finish, in arrival order; guarded by {@link #lock}. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  private record Waiting(
      AppendEntriesRequestProto request, CompletableFuture<AppendEntriesReplyProto> reply) {}

  private FollowerCommitGuard(RaftServer server) {
    this.server = server;
    // One thread, only while there is work: the guard has no close of its own.
    this.completions =
        new ThreadPoolExecutor(
            0,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, server.getId() + "-follower-commit-guard");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * {@code server} with its {@code appendEntriesAsync} guarded; every other call passes through.
   */
  static RaftServer wrap(RaftServer server) {
    return (RaftServer)
        Proxy.newProxyInstance(
            RaftServer.class.getClassLoader(),
            new Class<?>[] {RaftServer.class},
            new FollowerCommitGuard(server));
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args)
      throws Throwable {
    if (method.getName().equals("appendEntriesAsync")
        && args != null
        && args.length == 1
        && args[0] instanceof AppendEntriesRequestProto request) {
      return appendEntriesAsync(request);
    }
    try {
      return method.invoke(server, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  CompletableFuture<AppendEntriesReplyProto> appendEntriesAsync(AppendEntriesRequestProto request)
      throws Exception {
    synchronized (lock) {
      if (request.getEntriesCount() == 0) {
        AppendEntriesRequestProto heartbeat =
            appendsInFlight == 0 ? request : request.toBuilder().setLeaderCommit(0).build();
        return server.appendEntriesAsync(heartbeat);
      }
      if (waiting.isEmpty() && continuesInFlight(request)) {
        return start(request);
      }
      CompletableFuture<AppendEntriesReplyProto> reply = new CompletableFuture<>();
      waiting.add(new Waiting(request, reply));
      return reply;
    }
  }

  /**
   * Whether Ratis may take {@code request} beside the appends in flight: none are, or it follows
   * them in the same term. Called with {@link #lock} held.
   */
  private boolean continuesInFlight(AppendEntriesRequestProto request) {
    return appendsInFlight == 0
        || (request.getLeaderTerm() == inFlightTerm
            && request.getEntries(0).getIndex() > inFlightLastIndex);
  }

  /** Passes an append to Ratis; called with {@link #lock} held. */
  private CompletableFuture<AppendEntriesReplyProto> start(AppendEntriesRequestProto request)
      throws Exception {
    appendsInFlight++;
    inFlightTerm = request.getLeaderTerm();
    inFlightLastIndex = request.getEntries(request.getEntriesCount() - 1).getIndex();
    CompletableFuture<AppendEntriesReplyProto> reply;
    try {
      reply = server.appendEntriesAsync(request);
    } catch (Exception | Error e) {
      appendsInFlight--;
      throw e;
    }
    reply.whenCompleteAsync((r, e) -> appendDone(), completions);
    return reply;
  }

  private void appendDone() {
    synchronized (lock) {
      appendsInFlight--;
      while (!waiting.isEmpty() && continuesInFlight(waiting.peek().request())) {
        Waiting next = waiting.poll();
        try {
          CompletableFuture<AppendEntriesReplyProto> reply = start(next.request());
          reply.whenComplete(
              (r, e) -> {
                if (e != null) {
                  next.reply().completeExceptionally(e);
                } else {
                  next.reply().complete(r);
                }
              });
        } catch (Exception | Error e) {
          next.reply().completeExceptionally(e);
        }
      }
    }
  }
}
