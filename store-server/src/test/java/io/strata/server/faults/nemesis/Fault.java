package io.strata.server.faults.nemesis;

/** The kinds of fault the nemesis injects. */
public enum Fault {
  /** SIGKILL one member (the leader half the time), then restart it. */
  KILL,
  /** SIGKILL every member at once, then restart all: nothing unflushed may be acknowledged. */
  KILL_ALL,
  /** SIGSTOP one member (the leader half the time) for a while, then SIGCONT. */
  PAUSE,
  /** Maintenance.MoveLeader to a random follower. */
  TRANSFER_LEADER,
  /** Split the members into a random majority and minority. */
  PARTITION_MAJORITY,
  /** Cut the leader off from every other member. */
  PARTITION_LEADER,
  /** Two halves that cannot talk to each other but both talk to one bridge member. */
  PARTITION_BRIDGE,
  /** 50–150 ms (± jitter) on every peer link. */
  DELAY,
  /** Loss-like stalls on 10–30% of the chunks on every peer link. */
  LOSS,
  /** Restart one member with a server failpoint armed, so it crashes at a crash-critical point. */
  FAILPOINT
}
