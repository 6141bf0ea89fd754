package io.strata.client.internal;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.AlarmMember;
import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.DefragmentRequest;
import io.strata.api.etcdserverpb.DefragmentResponse;
import io.strata.api.etcdserverpb.HashKVRequest;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.api.etcdserverpb.MoveLeaderResponse;
import io.strata.api.etcdserverpb.SnapshotRequest;
import io.strata.api.etcdserverpb.SnapshotResponse;
import io.strata.api.etcdserverpb.StatusRequest;
import io.strata.api.etcdserverpb.StatusResponse;
import io.strata.client.EtcdException;
import io.strata.client.Maintenance;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/** {@link Maintenance} over etcd's Maintenance service. */
final class GrpcMaintenance implements Maintenance {
  private static final int HASH_BYTES = 32;

  private final ClientSettings settings;
  private final Endpoints endpoints;
  private final Retrier retrier;

  GrpcMaintenance(ClientSettings settings, Endpoints endpoints, Retrier retrier) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.retrier = retrier;
  }

  private static MaintenanceGrpc.MaintenanceStub stub(ManagedChannel ch, @Nullable Deadline d) {
    MaintenanceGrpc.MaintenanceStub s = MaintenanceGrpc.newStub(ch);
    return d == null ? s : s.withDeadline(d);
  }

  @Override
  public List<String> endpoints() {
    return endpoints.names();
  }

  @Override
  public CompletableFuture<StatusResponse> status(String endpoint) {
    return retrier.callOn(
        endpoints.of(endpoint),
        settings.requestTimeout(),
        (ch, d, o) -> stub(ch, d).status(StatusRequest.getDefaultInstance(), o));
  }

  @Override
  public CompletableFuture<HashKVResponse> hashKv(String endpoint, long revision) {
    var request = HashKVRequest.newBuilder().setRevision(revision).build();
    return retrier.callOn(
        endpoints.of(endpoint),
        settings.requestTimeout(),
        (ch, d, o) -> stub(ch, d).hashKV(request, o));
  }

  @Override
  public CompletableFuture<DefragmentResponse> defragment(String endpoint) {
    return retrier.callOn(
        endpoints.of(endpoint),
        settings.requestTimeout(),
        (ch, d, o) -> stub(ch, d).defragment(DefragmentRequest.getDefaultInstance(), o));
  }

  @Override
  public CompletableFuture<AlarmResponse> alarmList() {
    var request = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).alarm(request, o));
  }

  @Override
  public CompletableFuture<AlarmResponse> alarmDisarm(AlarmMember alarm) {
    var request =
        AlarmRequest.newBuilder()
            .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
            .setMemberID(alarm.getMemberID())
            .setAlarm(alarm.getAlarm())
            .build();
    return retrier.call(true, (ch, d, o) -> stub(ch, d).alarm(request, o));
  }

  @Override
  public CompletableFuture<MoveLeaderResponse> moveLeader(long targetId) {
    // Like etcdctl: ask every endpoint for its status and send the request to the leader.
    CompletableFuture<String> leader = findLeader(0);
    var request = MoveLeaderRequest.newBuilder().setTargetID(targetId).build();
    return leader.thenCompose(
        endpoint ->
            retrier.callOn(
                endpoints.of(endpoint),
                settings.requestTimeout(),
                (ch, d, o) -> stub(ch, d).moveLeader(request, o)));
  }

  private CompletableFuture<String> findLeader(int index) {
    List<String> names = endpoints.names();
    if (index >= names.size()) {
      return CompletableFuture.failedFuture(
          new EtcdException(Status.Code.UNAVAILABLE, "no leader endpoint given at " + names));
    }
    String endpoint = names.get(index);
    return status(endpoint)
        .handle(
            (s, e) ->
                e == null && s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId())
        .thenCompose(
            isLeader ->
                isLeader ? CompletableFuture.completedFuture(endpoint) : findLeader(index + 1));
  }

  @Override
  public CompletableFuture<Long> snapshot(OutputStream out, LongConsumer progress) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    // A snapshot may take long; only the connection is bounded (no deadline), like etcdctl.
    ManagedChannel channel = endpoints.of(endpoints.names().get(0));
    stub(channel, null)
        .snapshot(SnapshotRequest.getDefaultInstance(), new SnapshotWriter(out, progress, result));
    return result;
  }

  /**
   * Writes chunks as they come and checks etcd's trailer: the last 32 bytes are the SHA-256 of
   * everything before them. Holding back the last 32 bytes seen keeps the hash one chunk behind.
   */
  private static final class SnapshotWriter implements StreamObserver<SnapshotResponse> {
    private final OutputStream out;
    private final LongConsumer progress;
    private final CompletableFuture<Long> result;
    private final MessageDigest sha = sha256();
    private byte[] tail = new byte[0];
    private long written;
    private boolean failed;

    SnapshotWriter(OutputStream out, LongConsumer progress, CompletableFuture<Long> result) {
      this.out = out;
      this.progress = progress;
      this.result = result;
    }

    @Override
    public void onNext(SnapshotResponse chunk) {
      if (failed) {
        return;
      }
      try {
        byte[] blob = chunk.getBlob().toByteArray();
        out.write(blob);
        written += blob.length;
        byte[] joined = new byte[tail.length + blob.length];
        System.arraycopy(tail, 0, joined, 0, tail.length);
        System.arraycopy(blob, 0, joined, tail.length, blob.length);
        int hashable = Math.max(0, joined.length - HASH_BYTES);
        sha.update(joined, 0, hashable);
        tail = java.util.Arrays.copyOfRange(joined, hashable, joined.length);
        progress.accept(written);
      } catch (IOException e) {
        failed = true;
        result.completeExceptionally(
            new EtcdException(Status.Code.INTERNAL, "cannot write snapshot: " + e.getMessage(), e));
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(Errors.from(t));
    }

    @Override
    public void onCompleted() {
      if (failed) {
        return;
      }
      if (tail.length < HASH_BYTES || !MessageDigest.isEqual(sha.digest(), tail)) {
        result.completeExceptionally(
            new EtcdException(
                Status.Code.DATA_LOSS,
                "snapshot stream is corrupt: its SHA-256 trailer does not match"));
        return;
      }
      try {
        out.flush();
      } catch (IOException e) {
        result.completeExceptionally(
            new EtcdException(Status.Code.INTERNAL, "cannot write snapshot: " + e.getMessage(), e));
        return;
      }
      result.complete(written);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
