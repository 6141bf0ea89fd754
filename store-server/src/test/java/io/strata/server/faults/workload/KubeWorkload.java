package io.strata.server.faults.workload;

import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.mvccpb.KeyValue;
import io.strata.server.faults.history.History;
import io.strata.server.faults.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the Kubernetes apiserver sends: create as a txn on mod_revision == 0, update as a txn on the
 * mod_revision last read (optimistic concurrency), and paginated lists of the resource prefix at a
 * fixed revision with a limit. Watches on the prefix run in {@link Watchers}.
 */
public final class KubeWorkload extends Workload {
  public static final String PREFIX = "k8s/pods/";
  private static final int OBJECTS = 12;
  private static final int LIST_LIMIT = 5;
  private final AtomicLong values = new AtomicLong();

  public KubeWorkload(History history, Clients clients, int firstClient, int count, long seed) {
    super(history, clients, firstClient, count, seed, 25);
  }

  @Override
  protected boolean step(int client, int member, Random random) {
    String m = clients.name(member);
    String key = PREFIX + "pod-" + random.nextInt(OBJECTS);
    String value = "c" + client + "-" + values.incrementAndGet();
    int dice = random.nextInt(10);
    long modRevision;
    long headerRevision;
    try {
      // The informer's cached copy: a plain linearizable get, not part of the checked history.
      RangeResponse got =
          clients.kv(member).range(RangeRequest.newBuilder().setKey(Clients.bytes(key)).build());
      modRevision = got.getKvsCount() == 0 ? 0 : got.getKvs(0).getModRevision();
      headerRevision = got.getHeader().getRevision();
    } catch (StatusRuntimeException e) {
      return false;
    }
    if (dice < 3) {
      return list(client, member, m, Math.max(1, headerRevision - random.nextInt(20)));
    }
    Op.Type type = modRevision == 0 ? Op.Type.TXN_CREATE : Op.Type.TXN_UPDATE;
    // Sometimes a stale expectation, as a conflicting update would have: the txn must fail.
    long expected = modRevision != 0 && random.nextInt(5) == 0 ? modRevision - 1 : modRevision;
    History.Call call =
        history.invoke(
            client,
            m,
            type,
            key,
            value,
            type == Op.Type.TXN_UPDATE ? Long.toString(expected) : null);
    try {
      TxnResponse r =
          clients
              .kv(member)
              .txn(
                  TxnRequest.newBuilder()
                      .addCompare(
                          Compare.newBuilder()
                              .setKey(Clients.bytes(key))
                              .setTarget(Compare.CompareTarget.MOD)
                              .setResult(Compare.CompareResult.EQUAL)
                              .setModRevision(expected))
                      .addSuccess(
                          RequestOp.newBuilder()
                              .setRequestPut(
                                  PutRequest.newBuilder()
                                      .setKey(Clients.bytes(key))
                                      .setValue(Clients.bytes(value))))
                      .addFailure(
                          RequestOp.newBuilder()
                              .setRequestRange(
                                  RangeRequest.newBuilder().setKey(Clients.bytes(key))))
                      .build());
      call.ok(null, r.getSucceeded(), r.getHeader().getRevision(), List.of());
      return true;
    } catch (StatusRuntimeException e) {
      call.unknown(Clients.describe(e));
      return false;
    }
  }

  private boolean list(int client, int member, String m, long revision) {
    History.Call call =
        history.invoke(
            client, m, Op.Type.LIST, PREFIX, Integer.toString(LIST_LIMIT), Long.toString(revision));
    try {
      RangeResponse r =
          clients
              .kv(member)
              .range(
                  RangeRequest.newBuilder()
                      .setKey(Clients.bytes(PREFIX))
                      .setRangeEnd(Clients.prefixEnd(PREFIX))
                      .setRevision(revision)
                      .setLimit(LIST_LIMIT)
                      .build());
      List<String> entries = new ArrayList<>();
      for (KeyValue kv : r.getKvsList()) {
        entries.add(
            kv.getKey().toStringUtf8()
                + "="
                + kv.getValue().toStringUtf8()
                + "@"
                + kv.getModRevision());
      }
      call.ok(null, false, r.getHeader().getRevision(), entries);
      return true;
    } catch (StatusRuntimeException e) {
      call.failed(Clients.describe(e));
      return false;
    }
  }
}
