package io.strata.server.faults.workload;

import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.api.v3lockpb.LockRequest;
import io.strata.api.v3lockpb.LockResponse;
import io.strata.api.v3lockpb.UnlockRequest;
import io.strata.api.v3lockpb.UnlockResponse;
import io.strata.server.faults.history.History;
import io.strata.server.faults.history.Op;
import java.util.List;
import java.util.Random;

/**
 * Lease-backed locks through the Lock service: grant a lease, lock {@code locks/L} with it, hold it
 * briefly, unlock, revoke. A client that loses track (a timeout) leaves its lease to expire, which
 * releases its key: etcd's contract, under which the lock checker expects no two holders at any
 * revision.
 */
public final class LockWorkload extends Workload {
  public static final String NAME = "locks/L";
  public static final String PREFIX = "locks/";
  private static final long TTL_SECONDS = 3;

  public LockWorkload(History history, Clients clients, int firstClient, int count, long seed) {
    super(history, clients, firstClient, count, seed, 50);
  }

  @Override
  protected boolean step(int client, int member, Random random) {
    String m = clients.name(member);
    long lease;
    try {
      lease =
          clients
              .lease(member)
              .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(TTL_SECONDS).build())
              .getID();
    } catch (StatusRuntimeException e) {
      return false; // no lease, no lock attempt: nothing to record
    }
    History.Call call = history.invoke(client, m, Op.Type.LOCK, NAME, null, null);
    LockResponse locked;
    try {
      locked =
          clients
              .lock(member, 2 * Clients.DEADLINE_MS)
              .lock(LockRequest.newBuilder().setName(Clients.bytes(NAME)).setLease(lease).build());
      call.ok(locked.getKey().toStringUtf8(), true, locked.getHeader().getRevision(), List.of());
    } catch (StatusRuntimeException e) {
      call.unknown(Clients.describe(e));
      revoke(member, lease);
      return false;
    }
    History.Call unlock =
        history.invoke(client, m, Op.Type.UNLOCK, locked.getKey().toStringUtf8(), null, null);
    try {
      UnlockResponse r =
          clients
              .lock(member, Clients.DEADLINE_MS)
              .unlock(UnlockRequest.newBuilder().setKey(locked.getKey()).build());
      unlock.ok(null, true, r.getHeader().getRevision(), List.of());
    } catch (StatusRuntimeException e) {
      unlock.unknown(Clients.describe(e));
      revoke(member, lease);
      return false;
    }
    return revoke(member, lease);
  }

  private boolean revoke(int member, long lease) {
    try {
      clients.lease(member).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
      return true;
    } catch (StatusRuntimeException e) {
      return false; // it expires on its own
    }
  }
}
