package io.strata.server.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.jspecify.annotations.Nullable;

/**
 * Ratis's gRPC transport ({@code raft.rpc.type}) whose leader sends its snapshot to a follower that
 * needs the entry right after a purged log segment.
 *
 * <p>Ratis 3.2.2 sends a snapshot only when a follower's next index is <em>below</em> the first
 * index of the leader's log. When it is <em>equal</em>, the appender needs the term of the purged
 * entry before it, fails with "Previous TermIndex not found" (unless the latest snapshot ends
 * exactly there) and is not restarted, so the follower never catches up. That is the usual fate of
 * a killed leader restarted after a snapshot: every term starts a new log segment, so the new
 * leader's log is cut exactly where the old leader's unreplicated entries begin, and a purge leaves
 * it starting there (ClusterIT: the old leader never caught up).
 *
 * <p>Ratis creates this type by class name, hence the public no-argument constructor.
 */
public final class SnapshotFallbackRpcType implements RpcType {
  public SnapshotFallbackRpcType() {}

  @Override
  public String name() {
    return SnapshotFallbackRpcType.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  private static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    /** Ratis's gRPC services, with a follower's appends guarded (see FollowerCommitGuard). */
    @Override
    public GrpcServices newRaftServerRpc(RaftServer server) {
      return super.newRaftServerRpc(FollowerCommitGuard.wrap(server));
    }

    @Override
    public LogAppender newLogAppender(
        RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  private static final class Appender extends GrpcLogAppender {
    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    @Override
    public @Nullable SnapshotInfo shouldInstallSnapshot() {
      SnapshotInfo snapshot = super.shouldInstallSnapshot();
      if (snapshot != null) {
        return snapshot;
      }
      long next = getFollower().getNextIndex();
      RaftLog log = getRaftLog();
      if (next <= RaftLog.LEAST_VALID_LOG_INDEX
          || next != log.getStartIndex()
          || next >= log.getNextIndex()
          || log.getTermIndex(next - 1) != null) {
        return null;
      }
      SnapshotInfo latest = getServer().getStateMachine().getLatestSnapshot();
      // A snapshot ending right before next lets Ratis send entries; one at or past next covers
      // the purged entry.
      return latest != null && latest.getIndex() >= next ? latest : null;
    }

    /**
     * Sends nothing, instead of failing, when the follower's next entry has been purged: a
     * follower's INCONSISTENCY reply can move its next index below the log's start between {@link
     * #shouldInstallSnapshot} and building the request. Ratis 3.2.2 then fails with "Log entry not
     * found" and never restarts the appender, so the follower is left behind for good
     * (SnapshotCatchUpIT, once in a clean-clone CI run). The next round installs a snapshot.
     */
    @Override
    public org.apache.ratis.proto.RaftProtos.@Nullable AppendEntriesRequestProto
        newAppendEntriesRequest(long callId, boolean heartbeat)
            throws org.apache.ratis.server.raftlog.RaftLogIOException {
      try {
        return super.newAppendEntriesRequest(callId, heartbeat);
      } catch (org.apache.ratis.server.raftlog.RaftLogIOException e) {
        if (getFollower().getNextIndex() < getRaftLog().getStartIndex()) {
          return null;
        }
        throw e;
      }
    }
  }
}
