package io.strata.server.faults.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP proxy of one directed peer link (connections member {@code from} opens to member {@code
 * to}); bytes in both directions of those connections pass through it. Faults:
 *
 * <ul>
 *   <li><b>blackhole</b>: bytes are discarded in both directions and new connections are accepted
 *       but never connected onward, as a partitioned network behaves; when the link heals, every
 *       connection that lost bytes is reset (TCP would have timed it out; resuming a stream with a
 *       hole in it is not something a network does) and peers reconnect;
 *   <li><b>delay</b>: each chunk is forwarded {@code delay ± jitter} after it arrived, in order;
 *   <li><b>loss</b>: with probability {@code loss} a chunk, and everything behind it, waits an
 *       extra retransmission timeout (200–600 ms), which is what a lost segment costs a TCP stream
 *       (dropping bytes inside a stream would corrupt it, which real loss never does).
 * </ul>
 */
public final class LinkProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkProxy.class);
  private static final byte[] CLOSE = new byte[0];

  /**
   * {@code -Dstrata.faults.trace-proxy=true} logs every forwarded chunk (at WARN, which the test
   * JVM's logger shows), for debugging the proxy itself.
   */
  private static final boolean TRACE = Boolean.getBoolean("strata.faults.trace-proxy");

  private final String name;
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean blackhole;
  private volatile long delayMillis;
  private volatile long jitterMillis;
  private volatile double loss;
  private volatile boolean closed;
  private final AtomicLong accepted = new AtomicLong();

  LinkProxy(String name, InetAddress listen, int port, InetSocketAddress target)
      throws IOException {
    this.name = name;
    this.target = target;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(listen, port), 50);
    Thread t = new Thread(this::acceptLoop, "proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String name() {
    return name;
  }

  public long acceptedConnections() {
    return accepted.get();
  }

  /** Cuts the link (true) or heals it (false). */
  public void blackhole(boolean on) {
    if (TRACE) {
      LOG.warn("{} blackhole {}", name, on);
    }
    blackhole = on;
    if (!on) {
      for (Connection c : connections) {
        if (c.lostBytes) {
          c.close();
        }
      }
    }
  }

  public void delay(long millis, long jitter) {
    delayMillis = millis;
    jitterMillis = jitter;
  }

  public void loss(double probability) {
    loss = probability;
  }

  /** No fault: open, no delay, no loss. */
  public void clear() {
    delay(0, 0);
    loss(0);
    blackhole(false);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("proxy {} stopped accepting", name, e);
        }
        return;
      }
      accepted.incrementAndGet();
      Connection c = new Connection(s);
      connections.add(c);
      c.start();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    connections.forEach(Connection::close);
  }

  /** One proxied connection: a reader and a writer thread per direction. */
  private final class Connection {
    private final Socket downstream;
    private volatile Socket upstream;
    private volatile boolean lostBytes;
    private volatile boolean done;

    Connection(Socket downstream) {
      this.downstream = downstream;
    }

    void start() {
      Thread t = new Thread(this::run, "proxy-" + name + "-conn");
      t.setDaemon(true);
      t.start();
    }

    private void run() {
      try {
        downstream.setTcpNoDelay(true);
        if (blackhole) {
          // Accept but never connect onward: the dialer waits as it would on a dead network.
          lostBytes = true;
          drainUntilHealed();
          return;
        }
        Socket up = new Socket();
        up.setTcpNoDelay(true);
        up.connect(target, 5000);
        upstream = up;
        if (done) {
          close();
          return;
        }
        pump(downstream, up, "up");
        pump(up, downstream, "down");
      } catch (IOException e) {
        close();
      }
    }

    private void drainUntilHealed() throws IOException {
      InputStream in = downstream.getInputStream();
      byte[] buf = new byte[16 << 10];
      while (!done && in.read(buf) >= 0) {
        // Discarded: the link is cut. close() at heal ends this loop.
      }
      close();
    }

    private void pump(Socket from, Socket to, String direction) {
      BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
      BlockingQueue<Long> due = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[64 << 10];
                try {
                  InputStream in = from.getInputStream();
                  int n;
                  long lastDue = 0;
                  while ((n = in.read(buf)) >= 0) {
                    if (blackhole) {
                      lostBytes = true;
                      continue;
                    }
                    long now = System.nanoTime();
                    long d = delayMillis;
                    long j = jitterMillis;
                    long extra = d + (j > 0 ? ThreadLocalRandom.current().nextLong(-j, j + 1) : 0);
                    if (loss > 0 && ThreadLocalRandom.current().nextDouble() < loss) {
                      extra += 200 + ThreadLocalRandom.current().nextLong(400);
                    }
                    // In order: a chunk never overtakes the one before it.
                    long at =
                        Math.max(lastDue, now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, extra)));
                    lastDue = at;
                    due.add(at);
                    queue.add(Arrays.copyOf(buf, n));
                    if (TRACE) {
                      LOG.warn(
                          "{} {} read {} bytes due in {} us",
                          name,
                          direction,
                          n,
                          (at - now) / 1000);
                    }
                  }
                } catch (IOException e) {
                  // The connection ended.
                  if (TRACE) {
                    LOG.warn("{} {} read ended", name, direction, e);
                  }
                }
                if (TRACE) {
                  LOG.warn("{} {} closing", name, direction);
                }
                due.add(0L);
                queue.add(CLOSE);
              },
              "proxy-" + name + "-" + direction + "-r");
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = to.getOutputStream();
                  while (true) {
                    byte[] chunk = queue.take();
                    long at = due.take();
                    if (chunk == CLOSE) {
                      break;
                    }
                    // The injected delay itself: wait until the chunk is due.
                    long wait;
                    while ((wait = at - System.nanoTime()) > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    if (blackhole) {
                      lostBytes = true;
                      continue;
                    }
                    out.write(chunk);
                    out.flush();
                    if (TRACE) {
                      LOG.warn("{} {} {} bytes", name, direction, chunk.length);
                    }
                  }
                } catch (IOException | InterruptedException e) {
                  // The connection ended.
                }
                close();
              },
              "proxy-" + name + "-" + direction + "-w");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    void close() {
      done = true;
      connections.remove(this);
      closeQuietly(downstream);
      Socket up = upstream;
      if (up != null) {
        closeQuietly(up);
      }
    }

    private void closeQuietly(Socket s) {
      try {
        s.setSoLinger(true, 0); // a reset, as a timed-out TCP connection ends
      } catch (SocketException e) {
        // Already closed.
      }
      try {
        s.close();
      } catch (IOException e) {
        // Already closed.
      }
    }
  }
}
