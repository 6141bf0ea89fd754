package io.strata.server.compaction;

import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.apply.Command;
import io.strata.server.config.AutoCompaction;
import io.strata.server.raft.RaftNode;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link CompactionPolicy} on its own thread; only the leader proposes, so one member
 * compacts for the cluster and a leader change simply hands the job over.
 */
public final class AutoCompactor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AutoCompactor.class);

  private final CompactionPolicy policy;
  private final RaftNode raft;
  private final Supplier<MvccStore> store;
  private final ScheduledExecutorService executor;

  public AutoCompactor(AutoCompaction settings, RaftNode raft, Supplier<MvccStore> store) {
    this.policy = new CompactionPolicy(settings);
    this.raft = raft;
    this.store = store;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "strata-auto-compactor");
              t.setDaemon(true);
              return t;
            });
    if (settings.enabled()) {
      long every = policy.tickInterval().toMillis();
      executor.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
      LOG.atInfo()
          .setMessage("auto compaction enabled")
          .addKeyValue("mode", settings.mode())
          .addKeyValue("tick-ms", every)
          .log();
    }
  }

  private void tick() {
    try {
      if (!raft.isLeader()) {
        return;
      }
      MvccStore s = store.get();
      OptionalLong target =
          policy.tick(System.nanoTime(), s.currentRevision(), s.compactRevision());
      if (target.isEmpty()) {
        return;
      }
      long rev = target.getAsLong();
      raft.write(
              new Command.Compact(CompactionRequest.newBuilder().setRevision(rev).build()).encode())
          .get(30, TimeUnit.SECONDS);
      LOG.atInfo().setMessage("auto compaction proposed").addKeyValue("revision", rev).log();
    } catch (Exception e) {
      LOG.atWarn().setMessage("auto compaction failed; will retry").setCause(e).log();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
