package io.strata.server.faults.workload;

import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.server.faults.history.History;
import io.strata.server.faults.history.Op;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Single-key registers: linearizable reads, puts, deletes and compare-and-set txns (value ==
 * expected, or version == 0 for "absent") on a few keys at a time. Every value written is unique,
 * so a read pins down which write it saw. The key set moves on every {@code keyLifetimeMillis} so
 * each key's history stays small enough for an exhaustive linearizability search.
 */
public final class RegisterWorkload extends Workload {
  public static final String PREFIX = "reg/";
  private static final int KEYS = 3;

  private final long keyLifetimeMillis;
  private final long startNanos = System.nanoTime();
  private final AtomicLong values = new AtomicLong();

  /** The last value each client saw per key: what its CAS expects. */
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

  public RegisterWorkload(
      History history,
      Clients clients,
      int firstClient,
      int count,
      long seed,
      long keyLifetimeMillis) {
    super(history, clients, firstClient, count, seed, 20);
    this.keyLifetimeMillis = keyLifetimeMillis;
  }

  @Override
  protected boolean step(int client, int member, Random random) {
    long generation = (System.nanoTime() - startNanos) / 1_000_000 / keyLifetimeMillis;
    String key = PREFIX + generation + "/" + random.nextInt(KEYS);
    String m = clients.name(member);
    int dice = random.nextInt(10);
    if (dice < 4) {
      History.Call call = history.invoke(client, m, Op.Type.READ, key, null, null);
      try {
        RangeResponse r =
            clients.kv(member).range(RangeRequest.newBuilder().setKey(Clients.bytes(key)).build());
        String value = r.getKvsCount() == 0 ? null : r.getKvs(0).getValue().toStringUtf8();
        call.ok(value, false, r.getHeader().getRevision(), java.util.List.of());
        remember(client, key, value);
        return true;
      } catch (StatusRuntimeException e) {
        call.failed(Clients.describe(e)); // a read that failed changed nothing
        return false;
      }
    }
    if (dice == 4) {
      History.Call call = history.invoke(client, m, Op.Type.DELETE, key, null, null);
      try {
        DeleteRangeResponse r =
            clients
                .kv(member)
                .deleteRange(DeleteRangeRequest.newBuilder().setKey(Clients.bytes(key)).build());
        call.ok(null, r.getDeleted() > 0, r.getHeader().getRevision(), java.util.List.of());
        remember(client, key, null);
        return true;
      } catch (StatusRuntimeException e) {
        call.unknown(Clients.describe(e));
        return false;
      }
    }
    String value = "c" + client + "-" + values.incrementAndGet();
    if (dice < 7) {
      History.Call call = history.invoke(client, m, Op.Type.WRITE, key, value, null);
      try {
        PutResponse r =
            clients
                .kv(member)
                .put(
                    PutRequest.newBuilder()
                        .setKey(Clients.bytes(key))
                        .setValue(Clients.bytes(value))
                        .build());
        call.ok(null, true, r.getHeader().getRevision(), java.util.List.of());
        return true;
      } catch (StatusRuntimeException e) {
        call.unknown(Clients.describe(e));
        return false;
      }
    }
    String expected = lastSeen.get(client + "|" + key);
    History.Call call = history.invoke(client, m, Op.Type.CAS, key, value, expected);
    Compare compare =
        expected == null
            ? Compare.newBuilder()
                .setKey(Clients.bytes(key))
                .setTarget(Compare.CompareTarget.VERSION)
                .setResult(Compare.CompareResult.EQUAL)
                .setVersion(0)
                .build()
            : Compare.newBuilder()
                .setKey(Clients.bytes(key))
                .setTarget(Compare.CompareTarget.VALUE)
                .setResult(Compare.CompareResult.EQUAL)
                .setValue(Clients.bytes(expected))
                .build();
    try {
      TxnResponse r =
          clients
              .kv(member)
              .txn(
                  TxnRequest.newBuilder()
                      .addCompare(compare)
                      .addSuccess(
                          RequestOp.newBuilder()
                              .setRequestPut(
                                  PutRequest.newBuilder()
                                      .setKey(Clients.bytes(key))
                                      .setValue(Clients.bytes(value))))
                      .build());
      call.ok(null, r.getSucceeded(), r.getHeader().getRevision(), java.util.List.of());
      if (r.getSucceeded()) {
        remember(client, key, value);
      }
      return true;
    } catch (StatusRuntimeException e) {
      call.unknown(Clients.describe(e));
      return false;
    }
  }

  private void remember(int client, String key, @Nullable String value) {
    if (value == null) {
      lastSeen.remove(client + "|" + key);
    } else {
      lastSeen.put(client + "|" + key, value);
    }
  }
}
