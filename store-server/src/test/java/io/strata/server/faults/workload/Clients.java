package io.strata.server.faults.workload;

import com.google.protobuf.ByteString;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.v3lockpb.LockGrpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per member for the workload clients, independent of the test cluster's own
 * channels: they survive restarts (gRPC reconnects), and {@link #wakeUp} cuts the reconnect backoff
 * short so a restarted member gets traffic again at once.
 */
public final class Clients implements AutoCloseable {
  /** Each request's deadline: long enough for a leader change, short enough to notice a pause. */
  public static final long DEADLINE_MS = 4000;

  private final List<String> names;
  private final List<ManagedChannel> channels = new ArrayList<>();

  public Clients(List<String> names, List<Integer> clientPorts) {
    this.names = List.copyOf(names);
    for (int port : clientPorts) {
      channels.add(
          NettyChannelBuilder.forAddress(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
              .usePlaintext()
              .maxInboundMessageSize(32 << 20)
              .build());
    }
  }

  public int size() {
    return channels.size();
  }

  public String name(int member) {
    return names.get(member);
  }

  public ManagedChannel channel(int member) {
    return channels.get(member);
  }

  public KVGrpc.KVBlockingStub kv(int member) {
    return KVGrpc.newBlockingStub(channel(member))
        .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  public LeaseGrpc.LeaseBlockingStub lease(int member) {
    return LeaseGrpc.newBlockingStub(channel(member))
        .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
  }

  public LockGrpc.LockBlockingStub lock(int member, long deadlineMs) {
    return LockGrpc.newBlockingStub(channel(member))
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
  }

  /** Reconnect now to members that were unreachable (after a restart or a resume). */
  public void wakeUp() {
    for (ManagedChannel c : channels) {
      if (c.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        c.resetConnectBackoff();
      }
    }
  }

  public static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** The range end that makes {@code prefix} a prefix query (etcd's {@code GetPrefixRangeEnd}). */
  public static ByteString prefixEnd(String prefix) {
    byte[] b = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return ByteString.copyFrom(b, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  /** Short text for an error in the history. */
  public static String describe(RuntimeException e) {
    if (e instanceof StatusRuntimeException s) {
      return s.getStatus().getCode() + ": " + s.getStatus().getDescription();
    }
    return e.toString();
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
