package io.strata.server.apply;

import io.strata.core.BackendException;
import io.strata.core.StoreException;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Event;
import io.strata.core.mvcc.ApplyBatch;
import io.strata.core.mvcc.KvStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * Applies one committed command to the store in one atomic write that also records its Raft (term,
 * index), and encodes the reply. A command etcd refuses (failed validation, compacted revision,
 * unknown lease) changes nothing but the applied index and yields an error reply, the same on every
 * member. A storage failure propagates: the member must stop.
 */
public final class CommandApplier {
  private final KvStore store;
  private final Consumer<List<Event>> events;

  public CommandApplier(KvStore store, Consumer<List<Event>> events) {
    this.store = store;
    this.events = events;
  }

  public byte[] apply(byte[] data, AppliedIndex index) {
    Command command = Command.decode(data);
    List<Event> committed;
    byte[] reply;
    try (ApplyBatch batch = store.newBatch()) {
      try {
        reply = Reply.success(execute(batch, command));
      } catch (BackendException e) {
        throw e;
      } catch (StoreException e) {
        reply = Reply.failure(e.getMessage());
      }
      committed = batch.commit(index);
    }
    if (!committed.isEmpty()) {
      events.accept(committed);
    }
    return reply;
  }

  private static com.google.protobuf.MessageLite execute(ApplyBatch batch, Command command) {
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
}
