package io.strata.client.internal;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A real gRPC server on a free loopback port serving hand-written fake etcd services. */
final class FakeEtcd implements AutoCloseable {
  private final Server server;

  FakeEtcd(BindableService... services) throws IOException {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
    for (BindableService s : services) {
      b.addService(s);
    }
    server = b.build().start();
  }

  String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** An endpoint nothing listens on (connections are refused). */
  static String refusedEndpoint() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
