package io.strata.server.compaction;

import io.strata.server.config.AutoCompaction;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

/**
 * etcd's two auto-compaction policies, driven by explicit time so they are testable.
 *
 * <ul>
 *   <li>periodic, retention R: the revision is sampled every R/10 (R capped at one hour for the
 *       sampling and compaction intervals); every min(R, 1h) the store is compacted up to the
 *       revision sampled R ago, so about R of history is kept.
 *   <li>revision, retention N: every 5 minutes the store is compacted up to current − N.
 * </ul>
 */
public final class CompactionPolicy {
  static final Duration REVISION_MODE_INTERVAL = Duration.ofMinutes(5);
  private static final Duration HOUR = Duration.ofHours(1);

  private final AutoCompaction settings;
  private final Deque<Long> samples = new ArrayDeque<>();
  private final int keptSamples;
  private long lastCompactNanos;
  private long lastTarget;
  private boolean started;

  public CompactionPolicy(AutoCompaction settings) {
    this.settings = settings;
    this.keptSamples =
        settings.mode().equals("periodic") && !settings.retention().isZero()
            ? (int) (settings.retention().toNanos() / tickInterval().toNanos()) + 1
            : 0;
  }

  /** How often {@link #tick} should run. */
  public Duration tickInterval() {
    if (settings.mode().equals("revision")) {
      return REVISION_MODE_INTERVAL;
    }
    Duration period = settings.retention().compareTo(HOUR) > 0 ? HOUR : settings.retention();
    return period.dividedBy(10).isZero() ? Duration.ofMillis(1) : period.dividedBy(10);
  }

  private Duration compactInterval() {
    return settings.retention().compareTo(HOUR) > 0 ? HOUR : settings.retention();
  }

  /**
   * Called every {@link #tickInterval}; returns the revision to compact up to, if it is time.
   *
   * @param nowNanos a monotonic clock reading
   * @param currentRevision the store's current revision
   * @param compactRevision the store's compact revision
   */
  public OptionalLong tick(long nowNanos, long currentRevision, long compactRevision) {
    if (!settings.enabled()) {
      return OptionalLong.empty();
    }
    if (!started) {
      started = true;
      lastCompactNanos = nowNanos;
    }
    if (settings.mode().equals("revision")) {
      long target = currentRevision - settings.revisions();
      if (target <= 0 || target <= compactRevision || target == lastTarget) {
        return OptionalLong.empty();
      }
      lastTarget = target;
      return OptionalLong.of(target);
    }
    samples.addLast(currentRevision);
    while (samples.size() > keptSamples) {
      samples.removeFirst();
    }
    if (nowNanos - lastCompactNanos < compactInterval().toNanos() || samples.size() < keptSamples) {
      return OptionalLong.empty();
    }
    lastCompactNanos = nowNanos;
    long target = samples.peekFirst();
    if (target <= compactRevision || target == lastTarget) {
      return OptionalLong.empty();
    }
    lastTarget = target;
    return OptionalLong.of(target);
  }
}
