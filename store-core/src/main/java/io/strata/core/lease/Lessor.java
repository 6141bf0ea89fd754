package io.strata.core.lease;

import io.strata.core.LeaseExistsException;
import io.strata.core.LeaseNotFoundException;
import io.strata.core.LeaseTtlTooLargeException;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.mvcc.ApplyBatch;
import io.strata.core.mvcc.MvccStore;
import io.strata.core.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The lease table of one member (etcd's lessor), in two parts with different rules.
 *
 * <p><b>Replicated state.</b> {@link #grant}, {@link #renew}, {@link #checkpoint}, {@link #expire}
 * and {@link #revoke} run on the apply thread, each inside the {@link ApplyBatch} of one committed
 * command, and write the {@link Lease} records into the store's member state ({@code lease/<id>}),
 * so the table is the same on every member, survives restarts and travels in snapshots. Their
 * outcome never depends on time. Each takes the applied index of its command: renewals remember it
 * ({@link Lease#renewedAt}) so that a checkpoint or expiry decided before a renewal, and committed
 * after it, is recognized as stale and ignored instead of shortening or ending a lease a client has
 * just kept alive.
 *
 * <p><b>Deadlines.</b> Every member keeps an estimate of each lease's deadline on its own {@link
 * Clock}, anchored when it applies the grant, a renewal or a checkpoint (then "now + TTL" or "now +
 * checkpointed remaining TTL"), or when it loads the table ({@link #recover}: "now + {@link
 * Lease#resumeTtl}"). Applying happens after the leader decided, so an estimate is never earlier
 * than the leader's own deadline: a member that becomes leader resumes every lease from what it
 * last heard, neither renewing it (etcd issue #9888) nor shortening it. A checkpoint only ever
 * moves an estimate earlier, so the leader's own deadlines do not drift with commit latency. Only
 * the leader reads deadlines, through {@link #expired} and {@link #checkpoints}, and acts on them
 * by proposing commands.
 *
 * <p>Thread safety: all methods are synchronized on this lessor; the apply thread writes, gRPC
 * threads and the leader's expiry loop read.
 */
public final class Lessor {
  /** etcd's {@code MaxLeaseTTL}: 9,000,000,000 seconds. */
  public static final long MAX_TTL = 9_000_000_000L;

  /**
   * etcd's retry: an expired lease whose revoke did not get through is proposed again after 3 s.
   */
  static final long REVOKE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(3);

  /**
   * Deadlines farther than this (~146 years) are held at it, so nanoTime arithmetic cannot wrap.
   */
  private static final long MAX_TRACKED_NANOS = 1L << 62;

  private static final String STATE_PREFIX = "lease/";
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  /** A lease as this member tracks it: the replicated record plus its local deadline estimate. */
  private static final class Tracked {
    Lease lease;
    long deadline;

    /** When the leader should next look at it: the deadline, or a revoke retry time. */
    long nextCheck;

    Tracked(Lease lease, long deadline) {
      this.lease = lease;
      this.deadline = deadline;
      this.nextCheck = deadline;
    }
  }

  /** Expired leases found at once, with the applied index the decision was based on. */
  public record Expired(long asOf, List<Long> leases) {
    public Expired {
      leases = List.copyOf(leases);
    }
  }

  /** One lease's remaining TTL to write into the log. */
  public record Checkpoint(long id, long remainingTtl) {}

  /** Remaining TTLs to checkpoint, with the applied index they were computed at. */
  public record Checkpoints(long asOf, List<Checkpoint> leases) {
    public Checkpoints {
      leases = List.copyOf(leases);
    }
  }

  /** A lease with the time left until this member's deadline estimate (zero or less: expired). */
  public record Status(Lease lease, long remainingNanos) {

    /** The remaining TTL in whole seconds, as etcd's TimeToLive reports it (never negative). */
    public long remainingTtl() {
      return Math.max(0, remainingNanos / NANOS_PER_SECOND);
    }
  }

  private final Clock clock;

  // Guarded by this.
  private final Map<Long, Tracked> leases = new HashMap<>();
  private final LeaseQueue queue = new LeaseQueue();
  private @Nullable MvccStore store;

  /** The applied index of the last lease command applied (or of the store when it was loaded). */
  private long appliedIndex;

  public Lessor(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Replaces the table with the leases stored in {@code store} and binds this lessor to it (after
   * opening a member, and again after installing a snapshot). Every deadline restarts from now:
   * with the checkpointed remaining TTL if there is one, else with the granted TTL.
   */
  public synchronized void recover(MvccStore store) {
    this.store = Objects.requireNonNull(store, "store");
    leases.clear();
    queue.clear();
    long now = clock.nanoTime();
    for (Map.Entry<String, byte[]> e : store.states(STATE_PREFIX).entrySet()) {
      long id = Long.parseUnsignedLong(e.getKey().substring(STATE_PREFIX.length()), 16);
      Lease lease = Lease.decode(id, e.getValue());
      track(new Tracked(lease, deadline(now, lease.resumeTtl())));
    }
    appliedIndex = store.appliedIndex().index();
  }

  // --- reads --------------------------------------------------------------------------------

  /** Whether the lease exists (what puts check before attaching a key to it). */
  public synchronized boolean exists(long id) {
    return leases.containsKey(id);
  }

  public synchronized Optional<Lease> lease(long id) {
    Tracked t = leases.get(id);
    return t == null ? Optional.empty() : Optional.of(t.lease);
  }

  /** The lease with the time left on this member's estimate, if it exists. */
  public synchronized Optional<Status> status(long id) {
    Tracked t = leases.get(id);
    return t == null
        ? Optional.empty()
        : Optional.of(new Status(t.lease, t.deadline - clock.nanoTime()));
  }

  /** Every lease, by id. */
  public synchronized List<Lease> leases() {
    List<Lease> out = new ArrayList<>(leases.size());
    for (Tracked t : leases.values()) {
      out.add(t.lease);
    }
    out.sort(Comparator.comparingLong(Lease::id));
    return out;
  }

  /** The applied index of the last lease command this member applied. */
  public synchronized long appliedIndex() {
    return appliedIndex;
  }

  // --- replicated commands (apply thread) -----------------------------------------------------

  /**
   * etcd's grant of lease {@code id} for {@code ttl} seconds (the proposer has already raised it to
   * the minimum). Refuses id 0 ({@code LeaseNotFoundException}, as etcd), a TTL above {@link
   * #MAX_TTL} ({@code LeaseTtlTooLargeException}) and an id in use ({@code LeaseExistsException}),
   * each before writing anything.
   */
  public synchronized Lease grant(ApplyBatch batch, long id, long ttl, long index) {
    if (id == 0) {
      throw new LeaseNotFoundException(id);
    }
    if (ttl > MAX_TTL) {
      throw new LeaseTtlTooLargeException(ttl);
    }
    if (leases.containsKey(id)) {
      throw new LeaseExistsException(id);
    }
    Lease lease = new Lease(id, ttl, 0, index);
    batch.putState(stateName(id), lease.encode());
    track(new Tracked(lease, deadline(clock.nanoTime(), ttl)));
    appliedIndex = index;
    return lease;
  }

  /**
   * A keep-alive: the lease starts its full TTL again and forgets its checkpoint. Returns the
   * granted TTL, or empty if there is no such lease (etcd answers TTL 0 then, not an error).
   */
  public synchronized OptionalLong renew(ApplyBatch batch, long id, long index) {
    appliedIndex = Math.max(appliedIndex, index);
    Tracked t = leases.get(id);
    if (t == null) {
      return OptionalLong.empty();
    }
    t.lease = t.lease.renewed(index);
    batch.putState(stateName(id), t.lease.encode());
    reschedule(t, deadline(clock.nanoTime(), t.lease.ttl()));
    return OptionalLong.of(t.lease.ttl());
  }

  /**
   * Records remaining TTLs the leader computed at applied index {@code asOf}. A checkpoint of a
   * lease that is gone, or that was renewed after {@code asOf}, is ignored.
   *
   * @return how many leases were checkpointed
   */
  public synchronized int checkpoint(
      ApplyBatch batch, List<Checkpoint> checkpoints, long asOf, long index) {
    appliedIndex = Math.max(appliedIndex, index);
    long now = clock.nanoTime();
    int applied = 0;
    for (Checkpoint c : checkpoints) {
      Tracked t = leases.get(c.id());
      if (t == null || t.lease.renewedAt() > asOf || c.remainingTtl() <= 0) {
        continue;
      }
      long remaining = Math.min(c.remainingTtl(), t.lease.ttl());
      t.lease = t.lease.withCheckpoint(remaining);
      batch.putState(stateName(c.id()), t.lease.encode());
      long estimate = deadline(now, remaining);
      if (estimate - t.deadline < 0) {
        reschedule(t, estimate);
      }
      applied++;
    }
    return applied;
  }

  /**
   * etcd's revoke: deletes every key attached to the lease, all at one new revision, then the
   * lease. Fails with {@code LeaseNotFoundException} if there is no such lease.
   */
  public synchronized DeleteRangeResult revoke(ApplyBatch batch, long id, long index) {
    Tracked t = leases.get(id);
    if (t == null) {
      throw new LeaseNotFoundException(id);
    }
    MvccStore s = store;
    if (s == null) {
      throw new IllegalStateException("lessor not bound to a store");
    }
    DeleteRangeResult deleted = batch.deleteKeys(s.leaseKeys(id));
    batch.deleteState(stateName(id));
    leases.remove(id);
    appliedIndex = Math.max(appliedIndex, index);
    return deleted;
  }

  /**
   * The leader's revoke of a lease it found expired at applied index {@code asOf}: like {@link
   * #revoke}, unless the lease is gone or was renewed after {@code asOf} (the renewal won the race
   * and the lease lives on).
   *
   * @return the deletion, or empty if the lease was left alone
   */
  public synchronized Optional<DeleteRangeResult> expire(
      ApplyBatch batch, long id, long asOf, long index) {
    Tracked t = leases.get(id);
    if (t == null || t.lease.renewedAt() > asOf) {
      appliedIndex = Math.max(appliedIndex, index);
      return Optional.empty();
    }
    return Optional.of(revoke(batch, id, index));
  }

  // --- the leader's view of time ------------------------------------------------------------

  /**
   * Up to {@code max} leases whose deadline has passed on this member's estimate, earliest first.
   * Each one returned is not returned again for 3 seconds (etcd's retry), in case its revoke is
   * lost; a renewal or checkpoint applied meanwhile reschedules it normally.
   */
  public synchronized Expired expired(int max) {
    long now = clock.nanoTime();
    List<Long> out = new ArrayList<>();
    while (out.size() < max) {
      LeaseQueue.Item head = queue.peek();
      if (head == null || head.time() - now > 0) {
        break;
      }
      queue.pop();
      Tracked t = leases.get(head.id());
      if (t == null || t.nextCheck != head.time()) {
        continue; // stale entry: revoked, renewed or already retried
      }
      out.add(head.id());
      t.nextCheck = now + REVOKE_RETRY_NANOS;
      push(t);
    }
    return new Expired(appliedIndex, out);
  }

  /**
   * The remaining TTL of every live lease that has aged at least a second since its grant, last
   * renewal or last checkpoint, in whole seconds rounded up (so a lease resumed from it is never
   * shorter than on this member).
   */
  public synchronized Checkpoints checkpoints() {
    long now = clock.nanoTime();
    List<Checkpoint> out = new ArrayList<>();
    for (Tracked t : leases.values()) {
      long left = t.deadline - now;
      if (left <= 0) {
        continue; // expiring: the revoke, not a checkpoint, is due
      }
      long remaining = ceilSeconds(left);
      if (remaining < t.lease.resumeTtl()) {
        out.add(new Checkpoint(t.lease.id(), remaining));
      }
    }
    out.sort(Comparator.comparingLong(Checkpoint::id));
    return new Checkpoints(appliedIndex, out);
  }

  // --- internals ------------------------------------------------------------------------------

  static String stateName(long id) {
    return STATE_PREFIX + String.format("%016x", id);
  }

  private static long deadline(long now, long ttlSeconds) {
    long nanos =
        ttlSeconds >= MAX_TRACKED_NANOS / NANOS_PER_SECOND
            ? MAX_TRACKED_NANOS
            : Math.max(0, ttlSeconds) * NANOS_PER_SECOND;
    return now + nanos;
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }

  private void track(Tracked t) {
    leases.put(t.lease.id(), t);
    push(t);
  }

  private void reschedule(Tracked t, long deadline) {
    t.deadline = deadline;
    t.nextCheck = deadline;
    push(t);
  }

  private void push(Tracked t) {
    queue.push(t.lease.id(), t.nextCheck);
    if (queue.size() > 2 * leases.size() + 1024) {
      // Followers never drain the queue: drop the entries that renewals made stale.
      queue.clear();
      for (Tracked each : leases.values()) {
        queue.push(each.lease.id(), each.nextCheck);
      }
    }
  }
}
