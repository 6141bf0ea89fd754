package io.strata.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.client.Client;
import io.strata.client.CompactedException;
import io.strata.client.EtcdException;
import io.strata.client.LeaseNotFoundException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retries and failover against real gRPC servers on loopback. */
@Timeout(30)
class FailoverTest {
  /** A KV member that answers every call with {@code status}, counting the calls. */
  static final class FailingKv extends KVGrpc.KVImplBase {
    final AtomicInteger calls = new AtomicInteger();
    final Status status;

    FailingKv(Status status) {
      this.status = status;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
      calls.incrementAndGet();
      out.onError(status.asRuntimeException());
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
      calls.incrementAndGet();
      out.onError(status.asRuntimeException());
    }
  }

  /** A healthy KV member at revision 7. */
  static final class HealthyKv extends KVGrpc.KVImplBase {
    final AtomicInteger puts = new AtomicInteger();

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
      out.onNext(
          RangeResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(7)).build());
      out.onCompleted();
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
      puts.incrementAndGet();
      out.onNext(
          PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(8)).build());
      out.onCompleted();
    }
  }

  private static Client client(String... endpoints) {
    return io.strata.client.Client.builder()
        .endpoints(endpoints)
        .requestTimeout(Duration.ofSeconds(5))
        .retry(5, Duration.ofMillis(10), Duration.ofMillis(50))
        .build();
  }

  @Test
  void get_unavailableMember_retriedOnTheNext() throws Exception {
    FailingKv down = new FailingKv(Status.UNAVAILABLE.withDescription("etcdserver: no leader"));
    try (FakeEtcd a = new FakeEtcd(down);
        FakeEtcd b = new FakeEtcd(new HealthyKv());
        Client c = client(a.endpoint(), b.endpoint())) {
      RangeResponse r = c.kv().get(ByteString.copyFromUtf8("k")).join();
      assertThat(r.getHeader().getRevision()).isEqualTo(7);
      assertThat(down.calls).hasValue(1);
    }
  }

  @Test
  void put_unavailableAfterSending_notRetried() throws Exception {
    FailingKv down =
        new FailingKv(Status.UNAVAILABLE.withDescription("etcdserver: leader changed"));
    HealthyKv up = new HealthyKv();
    try (FakeEtcd a = new FakeEtcd(down);
        FakeEtcd b = new FakeEtcd(up);
        Client c = client(a.endpoint(), b.endpoint())) {
      var put = c.kv().put(ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v"));
      assertThatThrownBy(put::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(EtcdException.class)
          .hasMessage("etcdserver: leader changed");
      assertThat(up.puts).hasValue(0);
      // The failed member is no longer the current one: the next write goes to b.
      c.kv().put(ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v")).join();
      assertThat(up.puts).hasValue(1);
    }
  }

  @Test
  void put_connectionRefused_retriedOnTheNext() throws Exception {
    HealthyKv up = new HealthyKv();
    try (FakeEtcd b = new FakeEtcd(up);
        Client c = client(FakeEtcd.refusedEndpoint(), b.endpoint())) {
      PutResponse r = c.kv().put(ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v")).join();
      assertThat(r.getHeader().getRevision()).isEqualTo(8);
      assertThat(up.puts).hasValue(1);
    }
  }

  @Test
  void get_everyMemberUnavailable_givesUpAfterMaxRetries() throws Exception {
    FailingKv down = new FailingKv(Status.UNAVAILABLE.withDescription("etcdserver: no leader"));
    try (FakeEtcd a = new FakeEtcd(down);
        Client c = client(a.endpoint())) {
      assertThatThrownBy(() -> c.kv().get(ByteString.copyFromUtf8("k")).join())
          .cause()
          .isInstanceOf(EtcdException.class)
          .hasMessage("etcdserver: no leader");
      assertThat(down.calls).hasValue(6);
    }
  }

  @Test
  void get_compacted_typedAndNotRetried() throws Exception {
    FailingKv compacted =
        new FailingKv(
            Status.OUT_OF_RANGE.withDescription(
                "etcdserver: mvcc: required revision has been compacted"));
    try (FakeEtcd a = new FakeEtcd(compacted);
        Client c = client(a.endpoint())) {
      assertThatThrownBy(() -> c.kv().get(ByteString.copyFromUtf8("k")).join())
          .cause()
          .isInstanceOf(CompactedException.class);
      assertThat(compacted.calls).hasValue(1);
    }
  }

  @Test
  void errors_leaseNotFound_typed() {
    EtcdException e =
        Errors.from(
            Status.NOT_FOUND
                .withDescription("etcdserver: requested lease not found")
                .asRuntimeException());
    assertThat(e).isInstanceOf(LeaseNotFoundException.class);
    assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
