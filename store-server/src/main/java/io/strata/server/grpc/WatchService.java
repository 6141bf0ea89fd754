package io.strata.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.etcdserverpb.WatchRequest;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.core.watch.WatchHub;
import java.util.concurrent.ScheduledExecutorService;

/**
 * etcd's Watch service: one bidirectional stream per client call, many watchers per stream. The
 * per-stream logic lives in {@link WatchStream}; this class only opens streams on the member's
 * {@link WatchHub}.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private final Members members;
  private final WatchHub hub;
  private final int maxRequestBytes;
  private final ScheduledExecutorService timer;

  public WatchService(
      Members members, WatchHub hub, int maxRequestBytes, ScheduledExecutorService timer) {
    this.members = members;
    this.hub = hub;
    this.maxRequestBytes = maxRequestBytes;
    this.timer = timer;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return new WatchStream(
        members, hub, (ServerCallStreamObserver<WatchResponse>) responses, maxRequestBytes, timer);
  }
}
