package io.strata.server.faults.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checked after every heal: every running member's Raft server must run, and its applied index must
 * move while the leader's commit index is ahead of it. A member whose Raft server closed itself (or
 * whose appends keep failing) still answers clients, so neither the workloads nor the leader check
 * notice it; without this a run would only time out at its end, waiting for equal revisions.
 *
 * <p>Violations: {@code raft-not-running} and {@code stalled-member}.
 */
public final class MemberApplyChecker {
  /** What one member's Status said. */
  public record Observation(String member, boolean raftRunning, long appliedIndex) {}

  private final Duration stalled;

  /** Per member: the applied index last seen to move, and when (nanos). */
  private final Map<String, long[]> moved = new HashMap<>();

  public MemberApplyChecker(Duration stalled) {
    this.stalled = stalled;
  }

  /**
   * Checks one round of observations taken at {@code nowNanos}; {@code leaderCommit} is -1 when no
   * leader answered. Returns one line per finding, for the run's timeline.
   */
  public List<String> check(
      List<Observation> members, long leaderCommit, long nowNanos, Report report) {
    List<String> findings = new ArrayList<>();
    for (Observation m : members) {
      if (!m.raftRunning()) {
        findings.add(m.member() + " answers clients but its Raft server is not running");
        report.violation(
            "raft-not-running",
            m.member()
                + " answers clients but its Raft server is not running (applied index "
                + m.appliedIndex()
                + "), see its log");
      }
      long[] seen = moved.get(m.member());
      if (seen == null || m.appliedIndex() != seen[0] || leaderCommit <= m.appliedIndex()) {
        moved.put(m.member(), new long[] {m.appliedIndex(), nowNanos});
      } else if (nowNanos - seen[1] > stalled.toNanos()) {
        findings.add(m.member() + " has not applied anything for " + stalled.toSeconds() + " s");
        report.violation(
            "stalled-member",
            m.member()
                + " applied nothing for "
                + stalled.toSeconds()
                + " s (applied index "
                + m.appliedIndex()
                + ", leader's commit index "
                + leaderCommit
                + ")");
        moved.put(m.member(), new long[] {m.appliedIndex(), nowNanos});
      }
    }
    return findings;
  }
}
