package org.apache.ratis.server.impl;

import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.LogAppender;

/**
 * Strata's one reach into Ratis's internals: two gaps in how Ratis 3.2.2 treats a listener (an etcd
 * learner) that joined the group while running.
 *
 * <p>Such a member starts outside the configuration, so Ratis gives it the follower role and keeps
 * its server STARTING until the leader counts it as caught up. The leader never does, for a
 * listener: only peers staged in as voters are marked, and a promotion (listener to voter) is not
 * staged. Until the next leader change the member cannot leave STARTING, so once promoted it serves
 * no read index and runs no election timer; a later reconfiguration that fails even stops the
 * leader's appender for it. {@link #markMembersCaughtUp} has the leader count every member of its
 * configuration as caught up, as a new leader does: staging or promotion got each there.
 *
 * <p>Once its server runs, such a learner still holds the follower role, so at the first leader
 * loss it campaigns, finds itself outside the voters, and Ratis shuts its server down for good.
 * {@link #adoptListenerRole} gives it the listener role a restarted learner starts with: a listener
 * never campaigns, and on promotion Ratis turns it into a follower.
 *
 * <p>This class lives in Ratis's package because the state it changes is package-private there. A
 * Ratis upgrade that changes that state breaks the build here, and one that changes its meaning
 * fails LearnerIT.
 */
public final class LearnerFixes {
  private LearnerFixes() {}

  /**
   * On the leader, marks every voter and learner of the current configuration as caught up;
   * elsewhere does nothing. Returns how many it marked.
   */
  public static int markMembersCaughtUp(RaftServer.Division division) {
    if (!(division instanceof RaftServerImpl server)) {
      return 0;
    }
    LeaderStateImpl leader = server.getRole().getLeaderState().orElse(null);
    if (leader == null) {
      return 0;
    }
    RaftConfigurationImpl conf = server.getRaftConf();
    int marked = 0;
    for (LogAppender appender : leader.getLogAppenders().toList()) {
      if (appender.getFollower() instanceof FollowerInfoImpl follower
          && !follower.isCaughtUp()
          && conf.containsInConf(follower.getId(), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER)) {
        follower.catchUp();
        marked++;
      }
    }
    return marked;
  }

  /**
   * Gives this member the listener role if the current configuration lists it as a listener only
   * while it still holds the follower role. Returns whether it changed the role.
   */
  public static boolean adoptListenerRole(RaftServer.Division division) {
    if (!(division instanceof RaftServerImpl server)) {
      return false;
    }
    // RaftServerImpl changes roles under its own lock.
    synchronized (server) {
      RaftConfigurationImpl conf = server.getRaftConf();
      if (server.getRole().getCurrentRole() != RaftPeerRole.FOLLOWER
          || !conf.containsInConf(server.getId(), RaftPeerRole.LISTENER)
          || conf.containsInConf(server.getId(), RaftPeerRole.FOLLOWER)) {
        return false;
      }
      server.getRole().transitionRole(RaftPeerRole.LISTENER);
      return true;
    }
  }
}
