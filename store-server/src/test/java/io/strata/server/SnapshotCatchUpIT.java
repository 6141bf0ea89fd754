package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.TestCluster.Member;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A follower killed early in a long run of writes comes back after the leader has snapshotted and
 * purged the log past it, so it can only catch up by installing the leader's snapshot (a RocksDB
 * checkpoint sent by Ratis), then applying the log after it.
 *
 * <p>{@code --snapshot-count} counts Raft entries, and the leader puts concurrent writes in one
 * entry (a command batch): the 32 writers' 50,000 puts make about 2,000 entries, or fewer on a fast
 * machine. A snapshot every 100 entries keeps the last one close enough to the end for the first 32
 * MiB log segment to be purged.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SnapshotCatchUpIT {
  private static final Duration LONG = Duration.ofSeconds(120);
  private static final String SNAPSHOT_INSTALLED = "snapshot installed";

  private @Nullable TestCluster cluster;

  @AfterEach
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void followerKilledDuringWrites_restartsBehindPurgedLog_catchesUpBySnapshot(TestInfo info)
      throws Exception {
    TestCluster c =
        cluster =
            TestCluster.start(
                "SnapshotCatchUpIT/" + info.getTestMethod().orElseThrow().getName(),
                3,
                List.of(
                    "--election-timeout", "1000",
                    "--heartbeat-interval", "100",
                    "--snapshot-count", "100"));
    Member follower;
    // 1 KiB values: Ratis purges only whole log segments (32 MiB), so the run must write more
    // than one segment for the follower's position to be purged, not merely snapshotted.
    try (RecordingWriter writer = new RecordingWriter(c, "w", 4, 32, 50_000, 1024)) {
      writer.awaitAcked(5_000, LONG);
      follower = c.followers(LONG).get(0);
      c.kill(follower);
      writer.awaitDone(LONG);
      long behind =
          TestCluster.awaitValue(
              "the leader's commit index",
              LONG,
              () -> Optional.of(c.awaitLeader(LONG).status().getRaftIndex()));

      // Writes keep arriving while the follower restarts, installs the snapshot and replays the
      // log after it.
      try (RecordingWriter after = new RecordingWriter(c, "after", 2, 16, 2_000)) {
        c.restart(follower);
        TestCluster.await(
            follower + " to log '" + SNAPSHOT_INSTALLED + "' (see " + follower.log() + ")",
            LONG,
            () -> follower.loggedSinceStart(SNAPSHOT_INSTALLED));
        after.awaitDone(LONG);
        TestCluster.await(
            follower + " to apply past index " + behind,
            LONG,
            () -> follower.status().getRaftAppliedIndex() > behind);
        ClusterIT.assertSameDataEverywhere(c, writer);
        for (Member m : c.members()) {
          assertThat(after.missingOn(m, true)).as("later puts missing on %s", m).isEmpty();
        }
      }
      System.out.printf(
          "SnapshotCatchUpIT: %d puts acknowledged; %s caught up from a snapshot%n",
          writer.acked(), follower);
    }
  }
}
