package io.strata.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.client.Client;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import io.strata.client.LeaseNotFoundException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keep-alives move away from a member that stops answering, and stop when the lease is gone. */
@Timeout(30)
class LeaseKeeperTest {
  /** Answers keep-alives with {@code ttl}, or never when {@code ttl} is null. */
  static final class FakeLease extends LeaseGrpc.LeaseImplBase {
    /** The TTL it answers with; null for a member that never answers. */
    final @Nullable Long ttl;

    FakeLease(@Nullable Long ttl) {
      this.ttl = ttl;
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
        StreamObserver<LeaseKeepAliveResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(LeaseKeepAliveRequest r) {
          if (ttl != null) {
            out.onNext(LeaseKeepAliveResponse.newBuilder().setID(r.getID()).setTTL(ttl).build());
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }

  @Test
  void keepAlive_silentMember_movesToTheNext() throws Exception {
    BlockingQueue<LeaseKeepAliveResponse> responses = new LinkedBlockingQueue<>();
    try (FakeEtcd silent = new FakeEtcd(new FakeLease(null));
        FakeEtcd answering = new FakeEtcd(new FakeLease(30L));
        Client c =
            Client.builder()
                .endpoints(silent.endpoint(), answering.endpoint())
                .requestTimeout(Duration.ofMillis(500))
                .build();
        KeepAlive k = c.lease().keepAlive(7, (KeepAliveListener) responses::add)) {
      LeaseKeepAliveResponse r = responses.poll(10, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      assertThat(r.getTTL()).isEqualTo(30);
    }
  }

  @Test
  void keepAlive_leaseGone_reportsNotFound() throws Exception {
    CompletableFuture<Throwable> error = new CompletableFuture<>();
    try (FakeEtcd gone = new FakeEtcd(new FakeLease(0L));
        Client c = Client.builder().endpoints(gone.endpoint()).build();
        KeepAlive k =
            c.lease()
                .keepAlive(
                    7,
                    new KeepAliveListener() {
                      @Override
                      public void onNext(LeaseKeepAliveResponse response) {}

                      @Override
                      public void onError(Throwable t) {
                        error.complete(t);
                      }
                    })) {
      assertThat(error.get(10, TimeUnit.SECONDS)).isInstanceOf(LeaseNotFoundException.class);
    }
  }
}
