package io.strata.server.grpc;

import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.DefragmentRequest;
import io.strata.api.etcdserverpb.DefragmentResponse;
import io.strata.api.etcdserverpb.HashKVRequest;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.StatusRequest;
import io.strata.api.etcdserverpb.StatusResponse;
import io.strata.core.kv.HashResult;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.apply.Alarms;
import io.strata.server.apply.Command;
import io.strata.server.apply.Reply;

/**
 * etcd's Maintenance service: Status (what {@code etcdctl endpoint status} prints), HashKV, Alarm
 * and Defragment. Defragment is a fast no-op: RocksDB reclaims space online.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  /**
   * The etcd version reported to clients. kube-apiserver gates features on it; 3.5.0 claims no more
   * than what is implemented (no watch progress requests yet).
   */
  public static final String VERSION = "3.5.0";

  private final Members members;
  private final long quotaBytes;

  public MaintenanceService(Members members, long quotaBytes) {
    this.members = members;
    this.quotaBytes = quotaBytes;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    try {
      MvccStore store = members.store();
      long leader = members.raft().leader().map(members.identity()::idOf).orElse(0L);
      StatusResponse r =
          StatusResponse.newBuilder()
              .setHeader(members.header(store.currentRevision()))
              .setVersion(VERSION)
              .setDbSize(store.sizeBytes())
              .setDbSizeInUse(store.sizeInUseBytes())
              .setLeader(leader)
              .setRaftIndex(members.raft().commitIndex())
              .setRaftTerm(members.raft().term())
              .setRaftAppliedIndex(members.raft().appliedIndex())
              .setIsLearner(false)
              .setDbSizeQuota(quotaBytes)
              .addAllErrors(
                  Alarms.list(store).stream()
                      .map(
                          a ->
                              "memberID:"
                                  + Long.toUnsignedString(a.getMemberID())
                                  + " alarm:"
                                  + a.getAlarm()
                                  + " ")
                      .toList())
              .build();
      out.onNext(r);
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
    }
  }

  @Override
  public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
    try {
      HashResult h = members.store().hashKv(request.getRevision());
      out.onNext(
          HashKVResponse.newBuilder()
              .setHeader(members.header(h.currentRevision()))
              .setHash(h.hash())
              .setCompactRevision(h.compactRevision())
              .setHashRevision(h.hashRevision())
              .build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(EtcdErrors.toStatus(e));
    }
  }

  @Override
  public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
    if (request.getAction() == AlarmRequest.AlarmAction.GET) {
      try {
        out.onNext(
            AlarmResponse.newBuilder()
                .setHeader(members.header(members.store().currentRevision()))
                .addAllAlarms(Alarms.list(members.store()))
                .build());
        out.onCompleted();
      } catch (RuntimeException e) {
        out.onError(EtcdErrors.toStatus(e));
      }
      return;
    }
    // Raising and disarming alarms is replicated, so that every member refuses the same writes.
    members
        .raft()
        .write(new Command.Alarm(request).encode())
        .thenApply(
            bytes -> {
              Reply reply = Reply.decode(bytes);
              if (!reply.ok()) {
                throw EtcdErrors.of(reply.error());
              }
              AlarmResponse r = KvService.parse(() -> AlarmResponse.parseFrom(reply.body()));
              return r.toBuilder()
                  .setHeader(members.header(members.store().currentRevision()))
                  .build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  @Override
  public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
    out.onNext(
        DefragmentResponse.newBuilder()
            .setHeader(members.header(members.store().currentRevision()))
            .build());
    out.onCompleted();
  }
}
