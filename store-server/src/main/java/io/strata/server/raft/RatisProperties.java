package io.strata.server.raft;

import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Translates a member's config into Ratis keys; the only place that names them. */
final class RatisProperties {
  /** etcd keeps this many entries behind a snapshot so a slightly late follower avoids one. */
  private static final long CATCH_UP_ENTRIES = 5000;

  private RatisProperties() {}

  static RaftProperties of(ServerConfig config, Path raftDir, String host, int port) {
    RaftProperties p = new RaftProperties();
    // Ratis's gRPC transport with one fix: see SnapshotFallbackRpcType.
    RaftConfigKeys.Rpc.setType(p, new SnapshotFallbackRpcType());
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
    RaftServerConfigKeys.setRemovedGroupsDir(p, raftDir.resolve("removed").toFile());
    GrpcConfigKeys.Server.setHost(p, host);
    GrpcConfigKeys.Server.setPort(p, port);

    // etcd's --election-timeout E: a follower that hears nothing from the leader campaigns after
    // a random [E, 2E). Ratis's follower instead sleeps a random [min, max] and campaigns only if
    // nothing arrived during the whole sleep, so a leader dying mid-sleep is noticed one to two
    // sleeps later: between min and 2 * max. Hence min = E/2 and max = E, which bounds detection
    // by 2E as in etcd. (min = E, max = 2E took up to 4 s for E = 1 s, and about a quarter of
    // failovers in ClusterIT missed the 3 s bound.) Ratis heartbeats every min/2.
    int election = config.electionTimeoutMs();
    RaftServerConfigKeys.Rpc.setTimeoutMin(
        p, TimeDuration.valueOf(Math.max(1, election / 2), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(
        p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(
        p, TimeDuration.valueOf(Math.max(3000, 3L * election), TimeUnit.MILLISECONDS));

    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setTimeout(
        p, TimeDuration.valueOf(Math.max(5000, 5L * election), TimeUnit.MILLISECONDS));

    // Snapshots every --snapshot-count entries; the log is purged up to the snapshot minus a
    // catch-up tail, and laggards behind that receive the checkpoint.
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotCount());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, config.snapshotCount()));
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, config.snapshotCount()));
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(
        p, Math.min(CATCH_UP_ENTRIES, config.snapshotCount() / 2));

    // Entries up to --max-request-bytes must fit every buffer on the way (ratis.md §3.4).
    long entryLimit = Math.max(4L << 20, config.maxRequestBytes() + (1L << 20));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryLimit));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entryLimit + 8));
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(entryLimit + (1L << 20)));
    // Snapshot files go in chunks of this size, one chunk per message: Ratis's default (16 MiB)
    // exceeded the message limit above as soon as a RocksDB file passed 5 MiB, and every install
    // failed with RESOURCE_EXHAUSTED (SnapshotCatchUpIT with 1 KiB of poorly compressible values).
    RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf(entryLimit));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(32L << 20));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    // Durability of a write is the fsync of its own entry on a majority. Ratis's commit-index
    // metadata entries would add a second fsync per write when clients wait one at a time (seen
    // with strace: a 17-byte entry and its fdatasync after each put); a restarted member learns
    // the commit index from the leader instead, and our applied index lives in RocksDB.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    // fsync on the log worker, as Ratis does by default. Ratis 3.2.2's async flush is not safe:
    // when an fsync completes it moves the flush index (which gates a follower's acknowledgement,
    // the leader's commit and a member's own apply) to the last entry *written*, and entries
    // written while that fsync ran may still be in the log's in-memory write buffer. A member
    // killed then loses entries it acknowledged and applied, and a snapshot taken meanwhile ends
    // up ahead of its log, which Ratis cannot append after (StaleLogCleaner; docs/robustness.md,
    // seeds 206 and 208).
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    // Keep Ratis's default raft.server.log.append-entries.compose.enabled=true. Turning it off
    // (proposed for Ozone, RATIS-2387) makes a 3.2.2 follower check each pipelined appendEntries
    // against a log the previous request has not reached yet: it answers INCONSISTENCY, the
    // leader rewinds, and under load followers fall behind, miss heartbeats and start elections
    // (ClusterIT: about 1,800 rejected appends, four leader changes and failed writes per 10,000
    // puts; none with the default).
    overrides(p, System.getProperties());
    return p;
  }

  /** System properties {@code strata.ratis.<raft key>=<value>} set Ratis keys, last of all. */
  static final String OVERRIDE_PREFIX = "strata.ratis.";

  /**
   * Applies {@link #OVERRIDE_PREFIX} overrides: a way to try a Ratis setting (for example {@code
   * -Dstrata.ratis.raft.server.log.appender.wait-time.min=1ms} in {@code STRATA_JAVA_OPTS}) in a
   * benchmark without a rebuild. Not a supported configuration surface: a wrong key or value is
   * Ratis's to reject or ignore.
   */
  static void overrides(RaftProperties p, java.util.Properties system) {
    for (String name : system.stringPropertyNames()) {
      if (name.startsWith(OVERRIDE_PREFIX) && name.length() > OVERRIDE_PREFIX.length()) {
        p.set(name.substring(OVERRIDE_PREFIX.length()), system.getProperty(name));
      }
    }
  }
}
