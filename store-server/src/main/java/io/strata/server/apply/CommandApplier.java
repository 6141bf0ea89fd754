package io.strata.server.apply;

import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.AlarmType;
import io.strata.api.etcdserverpb.LeaseCheckpoint;
import io.strata.api.etcdserverpb.LeaseCheckpointResponse;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.core.BackendException;
import io.strata.core.StoreException;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Event;
import io.strata.core.lease.Lease;
import io.strata.core.lease.Lessor;
import io.strata.core.mvcc.ApplyBatch;
import io.strata.core.mvcc.MvccStore;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Applies one committed command to the store in one atomic write that also records its Raft (term,
 * index), and encodes the reply. A command etcd refuses (failed validation, compacted revision,
 * unknown lease) changes nothing but the applied index and yields an error reply, the same on every
 * member. A storage failure propagates: the member must stop.
 */
public final class CommandApplier {
  private final MvccStore store;
  private final Lessor lessor;
  private final Consumer<List<Event>> events;

  /**
   * Whether NOSPACE is raised, read from the store once and then tracked here: only alarm commands
   * change it and they all pass through this applier (a new store gets a new applier). Reading it
   * from RocksDB on every write was a tenth of the apply thread's time.
   */
  private @Nullable Boolean noSpace;

  /** {@code lessor} must have been recovered from {@code store}. */
  public CommandApplier(MvccStore store, Lessor lessor, Consumer<List<Event>> events) {
    this.store = store;
    this.lessor = lessor;
    this.events = events;
  }

  public byte[] apply(byte[] data, AppliedIndex index) {
    boolean isBatch = CommandBatch.isBatch(data);
    List<Command> commands =
        isBatch
            ? CommandBatch.decode(data).stream().map(Command::decode).toList()
            : List.of(Command.decode(data));
    List<byte[]> replies = new java.util.ArrayList<>(commands.size());
    List<Event> committed;
    // A batch's commands go one after another, each at its own revision with its own reply, in
    // the one store write of the entry: the same store and replies as one entry per command.
    try (ApplyBatch batch = store.newBatch()) {
      for (Command command : commands) {
        replies.add(applyOne(batch, command, index.index()));
      }
      committed = batch.commit(index);
    }
    if (!isBatch && commands.get(0) instanceof Command.Alarm) {
      noSpace = null; // alarms travel alone, never in a batch
    }
    if (!committed.isEmpty()) {
      events.accept(committed);
    }
    return isBatch ? CommandBatch.encodeReplies(replies) : replies.get(0);
  }

  /** One command's reply: its response, or the error etcd gives when it refuses the command. */
  private byte[] applyOne(ApplyBatch batch, Command command, long index) {
    try {
      refuseWhenOutOfSpace(command);
      return Reply.success(execute(batch, command, index));
    } catch (BackendException e) {
      throw e;
    } catch (StoreException | NoSpaceException e) {
      return Reply.failure(String.valueOf(e.getMessage()));
    }
  }

  /** etcd's capped applier: with NOSPACE raised, only requests that free space go through. */
  private void refuseWhenOutOfSpace(Command command) {
    boolean addsData =
        command instanceof Command.Put
            || command instanceof Command.LeaseGrant
            || (command instanceof Command.Txn t && hasPut(t.request()));
    if (addsData && noSpaceRaised()) {
      throw new NoSpaceException();
    }
  }

  private boolean noSpaceRaised() {
    Boolean raised = noSpace;
    if (raised == null) {
      raised = noSpace = Alarms.active(store, AlarmType.NOSPACE);
    }
    return raised;
  }

  private static boolean hasPut(TxnRequest txn) {
    for (List<RequestOp> branch : List.of(txn.getSuccessList(), txn.getFailureList())) {
      for (RequestOp op : branch) {
        if (op.hasRequestPut() || (op.hasRequestTxn() && hasPut(op.getRequestTxn()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Carries etcd's NOSPACE message through the same path as the engine's refusals. */
  private static final class NoSpaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoSpaceException() {
      super(Alarms.NO_SPACE_MESSAGE, null, false, false);
    }
  }

  private static com.google.protobuf.MessageLite alarm(ApplyBatch batch, AlarmRequest r) {
    switch (r.getAction()) {
      case ACTIVATE -> {
        if (r.getAlarm() != AlarmType.NONE) {
          Alarms.activate(batch, r.getAlarm(), r.getMemberID());
        }
      }
      case DEACTIVATE -> Alarms.deactivate(batch, r.getAlarm());
      default -> {}
    }
    AlarmResponse.Builder b = AlarmResponse.newBuilder();
    if (r.getAction() != AlarmRequest.AlarmAction.GET && r.getAlarm() != AlarmType.NONE) {
      b.addAlarms(
          io.strata.api.etcdserverpb.AlarmMember.newBuilder()
              .setMemberID(r.getMemberID())
              .setAlarm(r.getAlarm()));
    }
    return b.build();
  }

  private com.google.protobuf.MessageLite execute(ApplyBatch batch, Command command, long index) {
    if (command instanceof Command.LeaseGrant
        || command instanceof Command.LeaseRevoke
        || command instanceof Command.LeaseKeepAlive
        || command instanceof Command.LeaseCheckpoint
        || command instanceof Command.LeaseExpire) {
      return lease(batch, command, index);
    }
    if (command instanceof Command.Alarm a) {
      return alarm(batch, a.request());
    }
    if (command instanceof Command.MemberAdd m) {
      batch.putState(Members.addedKey(m.member().getID()), m.member().toByteArray());
      return m.member();
    }
    if (command instanceof Command.MemberForget m) {
      batch.deleteState(Members.addedKey(m.member().getID()));
      batch.deleteState(Members.peerUrlsKey(m.member().getID()));
      return m.member();
    }
    if (command instanceof Command.MemberUpdate m) {
      batch.putState(Members.peerUrlsKey(m.member().getID()), m.member().toByteArray());
      return m.member();
    }
    if (command instanceof Command.Publish p) {
      batch.putState(Members.key(p.member().getName()), p.member().toByteArray());
      return p.member();
    }
    if (command instanceof Command.Put p) {
      return ProtoMapper.putResponse(batch.put(ProtoMapper.put(p.request())));
    }
    if (command instanceof Command.DeleteRange d) {
      return ProtoMapper.deleteResponse(batch.deleteRange(ProtoMapper.delete(d.request())));
    }
    if (command instanceof Command.Txn t) {
      return ProtoMapper.txnResponse(batch.txn(ProtoMapper.txn(t.request())));
    }
    Command.Compact c = (Command.Compact) command;
    batch.compact(c.request().getRevision());
    return ProtoMapper.compactionResponse(batch.revision());
  }

  /** The lease commands; each reply's header carries the revision after the command. */
  private com.google.protobuf.MessageLite lease(ApplyBatch batch, Command command, long index) {
    if (command instanceof Command.LeaseGrant g) {
      Lease lease = lessor.grant(batch, g.request().getID(), g.request().getTTL(), index);
      return LeaseGrantResponse.newBuilder()
          .setHeader(header(batch.revision()))
          .setID(lease.id())
          .setTTL(lease.ttl())
          .build();
    }
    if (command instanceof Command.LeaseRevoke r) {
      lessor.revoke(batch, r.request().getID(), index);
      return LeaseRevokeResponse.newBuilder().setHeader(header(batch.revision())).build();
    }
    if (command instanceof Command.LeaseKeepAlive k) {
      long id = k.request().getID();
      // An unknown lease is answered with TTL 0, not an error, as etcd does.
      long ttl = lessor.renew(batch, id, index).orElse(0);
      return LeaseKeepAliveResponse.newBuilder()
          .setHeader(header(batch.revision()))
          .setID(id)
          .setTTL(ttl)
          .build();
    }
    if (command instanceof Command.LeaseCheckpoint c) {
      List<Lessor.Checkpoint> checkpoints = new java.util.ArrayList<>();
      for (LeaseCheckpoint cp : c.request().getCheckpointsList()) {
        checkpoints.add(new Lessor.Checkpoint(cp.getID(), cp.getRemainingTTL()));
      }
      lessor.checkpoint(batch, checkpoints, c.asOf(), index);
      return LeaseCheckpointResponse.newBuilder().setHeader(header(batch.revision())).build();
    }
    Command.LeaseExpire e = (Command.LeaseExpire) command;
    lessor.expire(batch, e.request().getID(), e.asOf(), index);
    return LeaseRevokeResponse.newBuilder().setHeader(header(batch.revision())).build();
  }

  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
