package io.strata.client.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gRPC channel per endpoint and the one calls currently go to. A call that finds its member
 * unavailable reports it with {@link #failed}, which moves later calls to the next endpoint in
 * order (etcd's client likewise pins to one endpoint and switches when it fails). Channels
 * reconnect on their own, so a member that comes back is used again once the others failed.
 */
final class Endpoints implements AutoCloseable {
  private final List<String> names;
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** Index of the endpoint calls go to; moved by {@link #failed}, compare-and-set. */
  private final AtomicInteger current = new AtomicInteger();

  Endpoints(ClientSettings settings, Executor executor) {
    this.names = settings.endpoints();
    for (String endpoint : names) {
      Target t = Target.parse(endpoint, settings.tls());
      NettyChannelBuilder b =
          NettyChannelBuilder.forAddress(t.host(), t.port())
              .executor(executor)
              .withOption(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.dialTimeout().toMillis())
              .keepAliveTime(settings.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
              .keepAliveTimeout(settings.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .keepAliveWithoutCalls(true)
              // Snapshots and large ranges: etcd's client accepts any size the server sends.
              .maxInboundMessageSize(Integer.MAX_VALUE);
      b.negotiationType(t.tls() ? NegotiationType.TLS : NegotiationType.PLAINTEXT);
      channels.add(b.build());
    }
  }

  List<String> names() {
    return names;
  }

  /** The channel calls go to now. */
  ManagedChannel current() {
    return channels.get(current.get());
  }

  /** The channel of the named endpoint (one of {@link #names()}). */
  ManagedChannel of(String endpoint) {
    int i = names.indexOf(endpoint);
    if (i < 0) {
      throw new IllegalArgumentException("not one of the client's endpoints: " + endpoint);
    }
    return channels.get(i);
  }

  /** {@code channel} failed a call: unless someone already moved on, use the next endpoint. */
  void failed(ManagedChannel channel) {
    int i = channels.indexOf(channel);
    if (i >= 0 && channels.size() > 1) {
      current.compareAndSet(i, (i + 1) % channels.size());
    }
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** An endpoint as etcdctl accepts it: {@code host:port} or a URL. */
  record Target(String host, int port, boolean tls) {
    static Target parse(String endpoint, boolean tls) {
      String s = endpoint.trim();
      if (!s.contains("://")) {
        s = (tls ? "https://" : "http://") + s;
      }
      URI uri = URI.create(s);
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException("bad endpoint (want host:port): " + endpoint);
      }
      return new Target(uri.getHost(), uri.getPort(), tls || "https".equals(uri.getScheme()));
    }
  }
}
