package io.strata.server.faults.workload;

import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.mvccpb.KeyValue;
import io.strata.server.faults.history.History;
import io.strata.server.faults.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An append-only set: each add puts a new key {@code set/<element>}; reads list the whole prefix.
 * Every acknowledged add must be in every later read and at the end (checked against the committed
 * history at each read's revision, and by the final read).
 */
public final class SetWorkload extends Workload {
  public static final String PREFIX = "set/";
  private final AtomicLong elements = new AtomicLong();

  public SetWorkload(History history, Clients clients, int firstClient, int count, long seed) {
    super(history, clients, firstClient, count, seed, 30);
  }

  @Override
  protected boolean step(int client, int member, Random random) {
    String m = clients.name(member);
    if (random.nextInt(5) == 0) {
      return read(client, member, m);
    }
    String element = String.format("%08d", elements.incrementAndGet());
    String key = PREFIX + element;
    History.Call call = history.invoke(client, m, Op.Type.SET_ADD, key, element, null);
    try {
      PutResponse r =
          clients
              .kv(member)
              .put(
                  PutRequest.newBuilder()
                      .setKey(Clients.bytes(key))
                      .setValue(Clients.bytes(element))
                      .build());
      call.ok(null, true, r.getHeader().getRevision(), List.of());
      return true;
    } catch (StatusRuntimeException e) {
      call.unknown(Clients.describe(e));
      return false;
    }
  }

  /** A linearizable read of the whole set; also the final read of a run. */
  public boolean read(int client, int member, String m) {
    History.Call call = history.invoke(client, m, Op.Type.SET_READ, PREFIX, null, null);
    try {
      RangeResponse r =
          clients
              .kv(member)
              .range(
                  RangeRequest.newBuilder()
                      .setKey(Clients.bytes(PREFIX))
                      .setRangeEnd(Clients.prefixEnd(PREFIX))
                      .setKeysOnly(true)
                      .build());
      List<String> keys = new ArrayList<>();
      for (KeyValue kv : r.getKvsList()) {
        keys.add(kv.getKey().toStringUtf8());
      }
      call.ok(null, false, r.getHeader().getRevision(), keys);
      return true;
    } catch (StatusRuntimeException e) {
      call.failed(Clients.describe(e));
      return false;
    }
  }
}
