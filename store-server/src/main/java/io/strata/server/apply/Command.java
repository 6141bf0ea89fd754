package io.strata.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.LeaseCheckpointRequest;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.core.schema.RevisionKeys;

/**
 * A write as it is stored in the Raft log: one type byte, then etcd's own request message. Using
 * etcd's messages keeps the log readable by anyone with etcd's protos and avoids a second schema.
 *
 * <p>The leader's own lease commands, {@link LeaseCheckpoint} and {@link LeaseExpire}, put 8 bytes
 * between the two: the applied index (big-endian) of the lease table the leader decided on, so that
 * a renewal committed in between wins (see {@code core.lease.Lessor}). A keep-alive is a command
 * too ({@link LeaseKeepAlive}): renewing through the log is how a follower's keep-alive reaches the
 * leader, and how every member learns of it.
 */
public sealed interface Command {
  byte PUT = 1;
  byte DELETE_RANGE = 2;
  byte TXN = 3;
  byte COMPACT = 4;
  byte ALARM = 5;
  byte PUBLISH = 6;
  byte MEMBER_ADD = 7;
  byte MEMBER_FORGET = 8;
  byte MEMBER_UPDATE = 9;

  /** Several Put, DeleteRange and Txn commands in one entry: see {@link CommandBatch}. */
  byte BATCH = 10;

  // Lease commands: 16 and up, apart from the KV and membership types.
  byte LEASE_GRANT = 16;
  byte LEASE_REVOKE = 17;
  byte LEASE_KEEP_ALIVE = 18;
  byte LEASE_CHECKPOINT = 19;
  byte LEASE_EXPIRE = 20;

  record Put(PutRequest request) implements Command {}

  record DeleteRange(DeleteRangeRequest request) implements Command {}

  record Txn(TxnRequest request) implements Command {}

  record Compact(CompactionRequest request) implements Command {}

  record Alarm(AlarmRequest request) implements Command {}

  /** A member announces its name and client URLs (etcd publishes member attributes too). */
  record Publish(Member member) implements Command {}

  /**
   * etcd's MemberAdd: the member (id, peer URLs, learner) the cluster expects to join. It becomes a
   * Raft peer when it starts with {@code --initial-cluster-state existing} and asks to join.
   */
  record MemberAdd(Member member) implements Command {}

  /**
   * Drops what MemberAdd and MemberUpdate recorded for a member (removed before it joined, or gone
   * from the group).
   */
  record MemberForget(Member member) implements Command {}

  /**
   * etcd's MemberUpdate: the peer URLs the cluster now has for member {@code member.ID}. The Raft
   * group moves the member to them when it restarts with them (see {@code RaftNode}).
   */
  record MemberUpdate(Member member) implements Command {}

  /** A grant with its id already chosen and its TTL already raised to the minimum. */
  record LeaseGrant(LeaseGrantRequest request) implements Command {}

  /** A client's revoke. */
  record LeaseRevoke(LeaseRevokeRequest request) implements Command {}

  /** One keep-alive of a client's stream. */
  record LeaseKeepAlive(LeaseKeepAliveRequest request) implements Command {}

  /** The leader's remaining TTLs, computed at lease applied index {@code asOf}. */
  record LeaseCheckpoint(long asOf, LeaseCheckpointRequest request) implements Command {}

  /** The leader's revoke of a lease it found expired at lease applied index {@code asOf}. */
  record LeaseExpire(long asOf, LeaseRevokeRequest request) implements Command {}

  /** The log form of this command. */
  default byte[] encode() {
    byte type;
    MessageLite message;
    long asOf = -1;
    if (this instanceof Put p) {
      type = PUT;
      message = p.request();
    } else if (this instanceof DeleteRange d) {
      type = DELETE_RANGE;
      message = d.request();
    } else if (this instanceof Txn t) {
      type = TXN;
      message = t.request();
    } else if (this instanceof Compact c) {
      type = COMPACT;
      message = c.request();
    } else if (this instanceof Alarm a) {
      type = ALARM;
      message = a.request();
    } else if (this instanceof Publish p) {
      type = PUBLISH;
      message = p.member();
    } else if (this instanceof MemberAdd m) {
      type = MEMBER_ADD;
      message = m.member();
    } else if (this instanceof MemberForget m) {
      type = MEMBER_FORGET;
      message = m.member();
    } else if (this instanceof MemberUpdate m) {
      type = MEMBER_UPDATE;
      message = m.member();
    } else if (this instanceof LeaseGrant g) {
      type = LEASE_GRANT;
      message = g.request();
    } else if (this instanceof LeaseRevoke r) {
      type = LEASE_REVOKE;
      message = r.request();
    } else if (this instanceof LeaseKeepAlive k) {
      type = LEASE_KEEP_ALIVE;
      message = k.request();
    } else if (this instanceof LeaseCheckpoint c) {
      type = LEASE_CHECKPOINT;
      message = c.request();
      asOf = c.asOf();
    } else if (this instanceof LeaseExpire e) {
      type = LEASE_EXPIRE;
      message = e.request();
      asOf = e.asOf();
    } else {
      throw new IllegalStateException("no log form for " + getClass().getSimpleName());
    }
    byte[] body = message.toByteArray();
    int at = asOf < 0 ? 1 : 9;
    byte[] out = new byte[body.length + at];
    out[0] = type;
    if (asOf >= 0) {
      RevisionKeys.putLong(out, 1, asOf);
    }
    System.arraycopy(body, 0, out, at, body.length);
    return out;
  }

  /** Reads the log form; a corrupt entry is a bug or disk damage, never a client error. */
  static Command decode(byte[] data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("empty command");
    }
    try {
      if (data[0] == LEASE_CHECKPOINT || data[0] == LEASE_EXPIRE) {
        if (data.length < 9) {
          throw new IllegalArgumentException("truncated lease command");
        }
        long asOf = RevisionKeys.getLong(data, 1);
        byte[] body = java.util.Arrays.copyOfRange(data, 9, data.length);
        return data[0] == LEASE_CHECKPOINT
            ? new LeaseCheckpoint(asOf, LeaseCheckpointRequest.parseFrom(body))
            : new LeaseExpire(asOf, LeaseRevokeRequest.parseFrom(body));
      }
      byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
      return switch (data[0]) {
        case PUT -> new Put(PutRequest.parseFrom(body));
        case DELETE_RANGE -> new DeleteRange(DeleteRangeRequest.parseFrom(body));
        case TXN -> new Txn(TxnRequest.parseFrom(body));
        case COMPACT -> new Compact(CompactionRequest.parseFrom(body));
        case ALARM -> new Alarm(AlarmRequest.parseFrom(body));
        case PUBLISH -> new Publish(Member.parseFrom(body));
        case MEMBER_ADD -> new MemberAdd(Member.parseFrom(body));
        case MEMBER_FORGET -> new MemberForget(Member.parseFrom(body));
        case MEMBER_UPDATE -> new MemberUpdate(Member.parseFrom(body));
        case LEASE_GRANT -> new LeaseGrant(LeaseGrantRequest.parseFrom(body));
        case LEASE_REVOKE -> new LeaseRevoke(LeaseRevokeRequest.parseFrom(body));
        case LEASE_KEEP_ALIVE -> new LeaseKeepAlive(LeaseKeepAliveRequest.parseFrom(body));
        default -> throw new IllegalArgumentException("unknown command type " + data[0]);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt command: " + e.getMessage(), e);
    }
  }
}
