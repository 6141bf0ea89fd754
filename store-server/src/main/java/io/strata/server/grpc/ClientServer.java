package io.strata.server.grpc;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.core.watch.WatchHub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC servers on a member's client URLs, carrying etcd's services and the standard
 * grpc.health.v1 service. Messages up to {@code --max-request-bytes} plus etcd's 512 KiB of
 * overhead are accepted; anything larger is refused by gRPC itself, as in etcd.
 */
public final class ClientServer implements AutoCloseable {
  private final List<Server> servers = new ArrayList<>();
  private final HealthStatusManager health = new HealthStatusManager();

  /** Runs the calls that may block: reads, streams, maintenance. */
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "strata-grpc-" + HANDLER_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private static final AtomicInteger HANDLER_THREADS = new AtomicInteger();

  public ClientServer(
      List<URI> urls,
      Members members,
      WatchHub watchHub,
      ScheduledExecutorService timer,
      int maxRequestBytes,
      int maxTxnOps,
      long quotaBytes,
      java.nio.file.Path snapshotDir)
      throws IOException {
    try {
      for (URI url : urls) {
        servers.add(
            NettyServerBuilder.forAddress(new InetSocketAddress(url.getHost(), url.getPort()))
                .maxInboundMessageSize(maxRequestBytes + (512 << 10))
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .directExecutor()
                .callExecutor(this::callExecutor)
                // Before any service: a learner refuses what etcd's learners refuse.
                .intercept(new LearnerInterceptor(members.raft()::isLearner))
                .addService(new KvService(members, maxRequestBytes, maxTxnOps, quotaBytes))
                .addService(new MaintenanceService(members, quotaBytes, snapshotDir))
                .addService(new WatchService(members, watchHub, maxRequestBytes, timer))
                .addService(new ClusterService(members))
                .addService(new LeaseService(members))
                .addService(new LockService(members, watchHub, timer))
                .addService(new ElectionService(members, watchHub, timer))
                .addService(health.getHealthService())
                .build()
                .start());
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    health.setStatus("", ServingStatus.SERVING);
  }

  /**
   * Writes run on the transport thread that decoded them: their handlers only validate and hand the
   * request to Raft, so a thread hop would cost more than the handler (profiled under a put load:
   * handing each call to a pool and back was a fifth of a member's CPU). Every other call may read
   * the store or wait, and runs on {@link #handlers}. The server's own executor is direct so that
   * choosing between the two costs no hop either.
   */
  private @Nullable Executor callExecutor(ServerCall<?, ?> call, Metadata headers) {
    return DIRECT_METHODS.contains(call.getMethodDescriptor().getFullMethodName())
        ? null
        : handlers;
  }

  private static final Set<String> DIRECT_METHODS =
      Set.of(
          KVGrpc.getPutMethod().getFullMethodName(),
          KVGrpc.getDeleteRangeMethod().getFullMethodName(),
          KVGrpc.getTxnMethod().getFullMethodName());

  /** The bound port of the first client URL (useful when it asked for port 0). */
  public int port() {
    return servers.get(0).getPort();
  }

  @Override
  public void close() {
    health.enterTerminalState();
    for (Server s : servers) {
      s.shutdown();
    }
    for (Server s : servers) {
      try {
        if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.shutdownNow();
      }
    }
    handlers.shutdownNow();
  }
}
