package io.strata.core.mvcc;

import io.strata.core.backend.Backend;
import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import io.strata.core.failpoint.FailPoints;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.schema.MetaKeys;
import io.strata.core.schema.RevisionKeys;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Physically removes the versions a compaction made unreachable, on its own thread, in backend
 * writes of at most {@code compactionBatchLimit} revisions so that it never stalls the writer.
 *
 * <p>For a compaction at revision C it walks the REVISION column family over {@code (finished, C]}
 * in revision order. A version below C is removed when a newer version of the same key is at or
 * below C, or when it is a tombstone; versions kept by an earlier compaction are removed when a
 * newer one in the window supersedes them. Every version exactly at C is kept, so that a watch may
 * still start at C and see all of its events: a delete, or a put that a later op of the same
 * transaction replaced.
 *
 * <p>Why this is safe without stopping readers: a reader at revision R >= C looks for the newest
 * version at or below R, which is never a removed one. Versions are removed oldest first, so a
 * reader between two writes sees either a tombstone or nothing, never an older value resurfacing.
 * Readers below C were refused before they started. Work is idempotent: after a crash the window is
 * simply walked again from the last finished revision.
 */
final class Compactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private record Waiter(long revision, CompletableFuture<Void> done) {}

  private final Backend backend;
  private final int batchLimit;
  private final ExecutorService executor;
  private final Object lock = new Object();

  // @GuardedBy("lock")
  private long finished;

  // @GuardedBy("lock")
  private long scheduled;

  // @GuardedBy("lock")
  private final List<Waiter> waiters = new ArrayList<>();

  private volatile boolean closed;

  Compactor(Backend backend, int batchLimit, long finished) {
    this.backend = backend;
    this.batchLimit = batchLimit;
    this.finished = finished;
    this.scheduled = finished;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "strata-compactor");
              t.setDaemon(true);
              return t;
            });
  }

  /** Asks for versions up to {@code revision} to be removed; {@code done} completes after. */
  void schedule(long revision, CompletableFuture<Void> done) {
    synchronized (lock) {
      scheduled = Math.max(scheduled, revision);
      waiters.add(new Waiter(revision, done));
    }
    executor.execute(this::run);
  }

  /** Completes when versions up to {@code revision} are removed (at once if they already are). */
  CompletableFuture<Void> await(long revision) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (lock) {
      if (finished >= revision) {
        done.complete(null);
      } else {
        waiters.add(new Waiter(revision, done));
      }
    }
    return done;
  }

  long finishedRevision() {
    synchronized (lock) {
      return finished;
    }
  }

  private void run() {
    try {
      while (!closed) {
        long from;
        long target;
        synchronized (lock) {
          if (finished >= scheduled) {
            completeWaiters();
            return;
          }
          from = finished;
          target = scheduled;
        }
        long removed = compact(from, target);
        if (closed) {
          return;
        }
        try (WriteBatch batch = backend.newBatch()) {
          batch.put(ColumnFamilies.META, MetaKeys.FINISHED_COMPACT, RevisionKeys.longBytes(target));
          backend.write(batch);
        }
        synchronized (lock) {
          finished = target;
          completeWaiters();
        }
        LOG.atInfo()
            .setMessage("compaction finished")
            .addKeyValue("compact-revision", target)
            .addKeyValue("removed-versions", removed)
            .log();
      }
    } catch (RuntimeException e) {
      LOG.atError().setMessage("compaction failed").setCause(e).log();
      synchronized (lock) {
        for (Waiter w : waiters) {
          w.done().completeExceptionally(e);
        }
        waiters.clear();
      }
    }
  }

  // @GuardedBy("lock")
  private void completeWaiters() {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.revision() <= finished) {
        w.done().complete(null);
        it.remove();
      }
    }
  }

  /** Removes what compaction at {@code target} made unreachable; returns the count removed. */
  private long compact(long previous, long target) {
    byte[] next = RevisionKeys.revisionKey(previous + 1, 0);
    byte[] end = RevisionKeys.revisionKey(target + 1, 0);
    long removed = 0;
    while (next != null && !closed) {
      try (ReadView view = backend.latest();
          KeyIterator revisions = view.iterator(ColumnFamilies.REVISION, end);
          KeyIterator versions = view.iterator(ColumnFamilies.KEY, null);
          WriteBatch batch = backend.newBatch()) {
        revisions.seek(next);
        int seen = 0;
        while (revisions.valid() && seen < batchLimit) {
          byte[] revisionKey = revisions.key();
          byte[] userKey = revisions.value();
          removed += decide(versions, batch, userKey, revisionKey, previous, target);
          seen++;
          revisions.next();
        }
        next = revisions.valid() ? revisions.key() : null;
        if (batch.count() > 0) {
          backend.write(batch);
          FailPoints.inject(FailPoints.COMPACTION_MID);
        }
      }
    }
    return removed;
  }

  private static int decide(
      KeyIterator versions,
      WriteBatch batch,
      byte[] userKey,
      byte[] revisionKey,
      long previous,
      long target) {
    long main = RevisionKeys.revisionMain(revisionKey);
    int sub = RevisionKeys.revisionSub(revisionKey);
    byte[] prefix = RevisionKeys.escapedPrefix(userKey);
    int removed = 0;

    // The newest version at or below the target decides whether this one survives.
    versions.seek(RevisionKeys.versionKey(userKey, target, -1));
    if (!versions.valid() || !RevisionKeys.isVersionOf(versions.key(), prefix)) {
      return 0; // already removed by an earlier, interrupted run
    }
    byte[] newest = versions.key();
    boolean isNewest =
        RevisionKeys.versionMain(newest) == main && RevisionKeys.versionSub(newest) == sub;
    if (main < target && (!isNewest || Version.isTombstone(versions.value()))) {
      batch.delete(ColumnFamilies.KEY, RevisionKeys.versionKey(userKey, main, sub));
      batch.delete(ColumnFamilies.REVISION, revisionKey);
      removed++;
    }

    // Versions an earlier compaction kept (several if they share its revision) are superseded by
    // this newer one.
    versions.seek(RevisionKeys.versionKey(userKey, main, sub));
    if (versions.valid()) {
      versions.next();
      while (versions.valid() && RevisionKeys.isVersionOf(versions.key(), prefix)) {
        byte[] older = versions.key();
        long olderMain = RevisionKeys.versionMain(older);
        if (olderMain > previous) {
          break;
        }
        batch.delete(ColumnFamilies.KEY, older);
        batch.delete(
            ColumnFamilies.REVISION,
            RevisionKeys.revisionKey(olderMain, RevisionKeys.versionSub(older)));
        removed++;
        versions.next();
      }
    }
    return removed;
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
