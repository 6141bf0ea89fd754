package io.strata.server.faults.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy forwards both directions intact and in order, with and without injected delay. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkProxyTest {

  @Test
  void forwardsBothDirectionsIntact() throws Exception {
    roundTrips(0, 0);
  }

  @Test
  void delayAndLoss_keepTheStreamIntactAndOrdered() throws Exception {
    roundTrips(5, 0.02);
  }

  private static void roundTrips(long delay, double loss) throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = echo.accept()) {
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  byte[] buf = new byte[8192];
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                  }
                } catch (IOException e) {
                  // Test over.
                }
              });
      server.setDaemon(true);
      server.start();
      try (LinkProxy proxy =
          new LinkProxy(
              "test",
              InetAddress.getByAddress(new byte[] {127, 0, 1, 2}),
              0,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()))) {
        proxy.delay(delay, delay / 2);
        proxy.loss(loss);
        try (Socket c =
            new Socket(InetAddress.getByAddress(new byte[] {127, 0, 1, 2}), proxy.port())) {
          Random random = new Random(1);
          DataInputStream in = new DataInputStream(c.getInputStream());
          for (int i = 0; i < 60; i++) {
            byte[] msg = new byte[1 + random.nextInt(40_000)];
            random.nextBytes(msg);
            c.getOutputStream().write(msg);
            byte[] back = new byte[msg.length];
            in.readFully(back);
            assertThat(back).isEqualTo(msg);
          }
        }
      }
    }
  }
}
