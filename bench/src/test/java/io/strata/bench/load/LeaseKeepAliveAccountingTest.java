package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * lease-keepalive's error accounting against a fake Lease service: a keep-alive the server never
 * answers must fail by the request timeout (the run must end, not hang), and one answered with TTL
 * 0 must count as a lost lease.
 */
@Timeout(60)
class LeaseKeepAliveAccountingTest {
  private Server server;
  private final AtomicInteger revoked = new AtomicInteger();

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void keepAliveNeverAnswered_failsByTheRequestTimeout_andTheRunEnds() throws Exception {
    start(null);

    LoadResult r = run();

    assertThat(r.ok()).isZero();
    assertThat(r.errors()).containsExactly(Map.entry("DEADLINE_EXCEEDED", 2L));
    assertThat(revoked).hasValue(1);
  }

  @Test
  void keepAliveAnsweredWithTtl0_isALostLease() throws Exception {
    start(0L);

    LoadResult r = run();

    assertThat(r.ok()).isZero();
    assertThat(r.errors()).containsExactly(Map.entry("LEASE_NOT_FOUND", 2L));
  }

  private LoadResult run() throws InterruptedException {
    return new LoadGenerator(
            LoadOptions.parse(
                Workload.LEASE_KEEPALIVE,
                List.of(
                    "--endpoints", "127.0.0.1:" + server.getPort(),
                    "--total", "2",
                    "--request-timeout", "500ms")),
            null)
        .run();
  }

  /**
   * @param keepAliveTtl the TTL each keep-alive is answered with, or null to never answer
   */
  private void start(@Nullable Long keepAliveTtl) throws java.io.IOException {
    LeaseGrpc.LeaseImplBase lease =
        new LeaseGrpc.LeaseImplBase() {
          @Override
          public void leaseGrant(
              LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> response) {
            response.onNext(
                LeaseGrantResponse.newBuilder().setID(7).setTTL(request.getTTL()).build());
            response.onCompleted();
          }

          @Override
          public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
              StreamObserver<LeaseKeepAliveResponse> response) {
            return new StreamObserver<>() {
              @Override
              public void onNext(LeaseKeepAliveRequest request) {
                if (keepAliveTtl != null) {
                  response.onNext(
                      LeaseKeepAliveResponse.newBuilder()
                          .setID(request.getID())
                          .setTTL(keepAliveTtl)
                          .build());
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                response.onCompleted();
              }
            };
          }

          @Override
          public void leaseRevoke(
              LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> response) {
            revoked.incrementAndGet();
            response.onNext(LeaseRevokeResponse.getDefaultInstance());
            response.onCompleted();
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(lease)
            .build()
            .start();
  }
}
