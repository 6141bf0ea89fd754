package io.strata.server.lease;

import io.strata.api.etcdserverpb.LeaseCheckpoint;
import io.strata.api.etcdserverpb.LeaseCheckpointRequest;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.core.lease.Lessor;
import io.strata.server.apply.Command;
import io.strata.server.config.LeaseConfig;
import io.strata.server.raft.RaftNode;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on every member, acts only on the leader: each {@link LeaseConfig#tick} it proposes a {@link
 * Command.LeaseExpire} for every lease whose deadline passed (at most 1000 per second, as etcd),
 * and each {@link LeaseConfig#checkpointInterval} a {@link Command.LeaseCheckpoint} with the
 * remaining TTLs (1000 leases per command, as etcd). Both carry the lease table's applied index the
 * decision was made at, so a renewal committed in between wins. A revoke that does not get through
 * is proposed again 3 seconds later ({@link Lessor#expired}).
 *
 * <p>A member that becomes leader needs no hand-over: its {@link Lessor} already tracks deadlines
 * from what it applied, so it resumes each lease with what is left of it.
 */
public final class LeaseExpirer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseExpirer.class);

  /** etcd's {@code leaseRevokeRate}. */
  static final int MAX_REVOKES_PER_SECOND = 1000;

  /** etcd's {@code maxLeaseCheckpointBatchSize}. */
  static final int MAX_CHECKPOINTS_PER_COMMAND = 1000;

  private final RaftNode raft;
  private final Lessor lessor;
  private final long checkpointNanos;
  private final int revokesPerTick;
  private final ScheduledExecutorService executor;

  // Confined to the executor thread.
  private boolean leading;
  private long nextCheckpoint;

  public LeaseExpirer(LeaseConfig config, RaftNode raft, Lessor lessor) {
    this.raft = raft;
    this.lessor = lessor;
    this.checkpointNanos = config.checkpointInterval().toNanos();
    long tickMillis = Math.max(1, config.tick().toMillis());
    this.revokesPerTick = (int) Math.max(1, MAX_REVOKES_PER_SECOND * tickMillis / 1000);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "strata-lease-expirer");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      if (!raft.isLeader()) {
        leading = false;
        return;
      }
      long now = System.nanoTime();
      if (!leading) {
        leading = true;
        nextCheckpoint = now + checkpointNanos;
        LOG.atInfo()
            .setMessage("leading: expiring and checkpointing leases")
            .addKeyValue("leases", lessor.leases().size())
            .log();
      }
      revokeExpired();
      if (now - nextCheckpoint >= 0) {
        nextCheckpoint = now + checkpointNanos;
        checkpoint();
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setMessage("lease tick failed; will retry").setCause(e).log();
    }
  }

  private void revokeExpired() {
    Lessor.Expired expired = lessor.expired(revokesPerTick);
    for (long id : expired.leases()) {
      Command command =
          new Command.LeaseExpire(
              expired.asOf(), LeaseRevokeRequest.newBuilder().setID(id).build());
      raft.write(command.encode())
          .whenComplete(
              (reply, e) -> {
                if (e != null) {
                  LOG.atWarn()
                      .setMessage("revoking expired lease failed; will retry")
                      .addKeyValue("lease", Long.toHexString(id))
                      .addKeyValue("error", e.getMessage())
                      .log();
                } else {
                  LOG.atDebug()
                      .setMessage("expired lease revoked")
                      .addKeyValue("lease", Long.toHexString(id))
                      .log();
                }
              });
    }
  }

  private void checkpoint() {
    Lessor.Checkpoints due = lessor.checkpoints();
    List<Lessor.Checkpoint> all = due.leases();
    for (int from = 0; from < all.size(); from += MAX_CHECKPOINTS_PER_COMMAND) {
      LeaseCheckpointRequest.Builder request = LeaseCheckpointRequest.newBuilder();
      for (Lessor.Checkpoint c :
          all.subList(from, Math.min(all.size(), from + MAX_CHECKPOINTS_PER_COMMAND))) {
        request.addCheckpoints(
            LeaseCheckpoint.newBuilder().setID(c.id()).setRemainingTTL(c.remainingTtl()));
      }
      int count = request.getCheckpointsCount();
      raft.write(new Command.LeaseCheckpoint(due.asOf(), request.build()).encode())
          .whenComplete(
              (reply, e) -> {
                if (e != null) {
                  LOG.atWarn()
                      .setMessage("lease checkpoint failed; the next one will cover it")
                      .addKeyValue("leases", count)
                      .addKeyValue("error", e.getMessage())
                      .log();
                }
              });
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
