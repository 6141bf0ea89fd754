package io.strata.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
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
import io.strata.core.backup.SnapshotArchive;
import io.strata.core.kv.HashResult;
import io.strata.core.mvcc.MvccStore;
import io.strata.server.apply.Alarms;
import io.strata.server.apply.Command;
import java.nio.file.Path;

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

  /**
   * In Status's {@code errors} (where etcd lists alarms) while this member's Raft server is not
   * running; the fault harness checks for it after every fault.
   */
  public static final String RAFT_NOT_RUNNING = "raft: this member's Raft server is not running";

  private final Members members;
  private final long quotaBytes;
  private final Path snapshotDir;

  /**
   * @param snapshotDir where checkpoints for Snapshot streams are made (same file system as the
   *     store, so checkpoints are hard links)
   */
  public MaintenanceService(Members members, long quotaBytes, Path snapshotDir) {
    this.members = members;
    this.quotaBytes = quotaBytes;
    this.snapshotDir = snapshotDir;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    try {
      MvccStore store = members.store();
      long leader = members.leaderId();
      StatusResponse.Builder r =
          StatusResponse.newBuilder()
              .setHeader(members.header(store.currentRevision()))
              .setVersion(VERSION)
              .setDbSize(store.sizeBytes())
              .setDbSizeInUse(store.sizeInUseBytes())
              .setLeader(leader)
              .setRaftIndex(members.raft().commitIndex())
              .setRaftTerm(members.raft().term())
              .setRaftAppliedIndex(members.raft().appliedIndex())
              .setIsLearner(members.raft().isLearner())
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
                      .toList());
      if (!members.raft().running()) {
        r.addErrors(RAFT_NOT_RUNNING);
      }
      out.onNext(r.build());
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
        .propose(new Command.Alarm(request))
        .thenApply(
            body -> {
              AlarmResponse r = KvService.parse(() -> AlarmResponse.parseFrom(body));
              return r.toBuilder()
                  .setHeader(members.header(members.store().currentRevision()))
                  .build();
            })
        .whenComplete((r, e) -> KvService.complete(out, r, e));
  }

  /**
   * Streams a consistent snapshot of this member's store: a RocksDB checkpoint packed by {@link
   * SnapshotArchive}, in 32 KiB chunks with {@code remaining_bytes}, then, as etcd does, a last
   * message whose blob is the SHA-256 of everything before it and whose remaining_bytes is 0.
   * Chunks are written only as fast as the client reads them.
   */
  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> responses) {
    ServerCallStreamObserver<SnapshotResponse> out =
        (ServerCallStreamObserver<SnapshotResponse>) responses;
    Object ready = new Object();
    out.setOnReadyHandler(
        () -> {
          synchronized (ready) {
            ready.notifyAll();
          }
        });
    Thread sender =
        new Thread(
            () -> {
              Path checkpoint = null;
              try {
                checkpoint = snapshotDir.resolve("snapshot-" + System.nanoTime());
                members.store().checkpoint(checkpoint);
                long total = SnapshotArchive.packedSize(checkpoint);
                try (ChunkStream chunks = new ChunkStream(out, ready, total)) {
                  SnapshotArchive.pack(checkpoint, chunks);
                }
                out.onCompleted();
              } catch (Exception e) {
                out.onError(EtcdErrors.toStatus(e));
              } finally {
                deleteQuietly(checkpoint);
              }
            },
            "strata-snapshot-send");
    sender.setDaemon(true);
    sender.start();
  }

  /**
   * Cuts the archive into etcd's snapshot messages. The archive's last 32 bytes are its hash, sent
   * alone as the final message, as etcd sends its trailer.
   */
  private static final class ChunkStream extends java.io.OutputStream {
    private static final int CHUNK = 32 * 1024;
    private final ServerCallStreamObserver<SnapshotResponse> out;
    private final Object ready;
    private final long total;
    private final byte[] buf = new byte[CHUNK];
    private int filled;
    private long sent;

    ChunkStream(ServerCallStreamObserver<SnapshotResponse> out, Object ready, long total) {
      this.out = out;
      this.ready = ready;
      this.total = total;
    }

    private long bodyBytes() {
      return total - SnapshotArchive.HASH_BYTES;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      while (len > 0) {
        // Never mix body bytes and hash bytes in one message.
        long limit = sent + filled < bodyBytes() ? bodyBytes() - sent - filled : len;
        int n = (int) Math.min(Math.min(len, CHUNK - filled), limit);
        System.arraycopy(b, off, buf, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == CHUNK || sent + filled == bodyBytes() || sent + filled == total) {
          flushChunk();
        }
      }
    }

    private void flushChunk() throws java.io.IOException {
      if (filled == 0) {
        return;
      }
      synchronized (ready) {
        while (!out.isReady()) {
          if (out.isCancelled()) {
            throw new java.io.IOException("snapshot stream canceled by the client");
          }
          try {
            ready.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
          }
        }
      }
      sent += filled;
      boolean hash = sent == total && filled == SnapshotArchive.HASH_BYTES;
      out.onNext(
          SnapshotResponse.newBuilder()
              .setRemainingBytes(hash ? 0 : total - sent)
              .setBlob(com.google.protobuf.ByteString.copyFrom(buf, 0, filled))
              .build());
      filled = 0;
    }

    @Override
    public void close() throws java.io.IOException {
      flushChunk();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort: a leftover checkpoint only costs disk
    }
  }

  @Override
  public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> out) {
    if (!members.raft().isLeader()) {
      out.onError(EtcdErrors.of(EtcdErrors.NOT_LEADER));
      return;
    }
    var target =
        members.peerWithId(request.getTargetID()).filter(p -> !p.learner()).map(p -> p.id());
    if (target.isEmpty()) {
      out.onError(EtcdErrors.of(EtcdErrors.BAD_LEADER_TRANSFEREE));
      return;
    }
    members
        .raft()
        .transferLeadership(target.get())
        .thenApply(
            ignored ->
                MoveLeaderResponse.newBuilder()
                    .setHeader(members.header(members.store().currentRevision()))
                    .build())
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
