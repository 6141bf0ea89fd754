package io.strata.server.raft;

import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
    RaftServerConfigKeys.setRemovedGroupsDir(p, raftDir.resolve("removed").toFile());
    GrpcConfigKeys.Server.setHost(p, host);
    GrpcConfigKeys.Server.setPort(p, port);

    // etcd's election timeout is Ratis's minimum RPC timeout; Ratis heartbeats at half of it.
    int election = config.electionTimeoutMs();
    RaftServerConfigKeys.Rpc.setTimeoutMin(
        p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(
        p, TimeDuration.valueOf(2L * election, TimeUnit.MILLISECONDS));
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
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(32L << 20));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    // Ratis 3.2.2: composing follower appends serializes them (RATIS-2387).
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
    return p;
  }
}
