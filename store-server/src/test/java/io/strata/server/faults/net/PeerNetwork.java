package io.strata.server.faults.net;

import io.strata.server.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The peer links of a {@link TestCluster}: a {@link LinkProxy} per directed pair of members and a
 * hosts file per member that routes its peer connections through its own proxies (see the package
 * doc), plus a fault-free link from each member to itself. Members are indexed 0..n-1 (named
 * m1..mN). Give it to {@link TestCluster#start(String, int, List, TestCluster.PeerRouting)}; close
 * it after the cluster.
 */
public final class PeerNetwork implements TestCluster.PeerRouting, AutoCloseable {
  private final int size;
  private final Path dir;
  private final LinkProxy[][] links;

  public PeerNetwork(int size, Path dir) {
    if (size > 9) {
      throw new IllegalArgumentException("at most 9 members (127.0.i.j addressing)");
    }
    this.size = size;
    this.dir = dir;
    this.links = new LinkProxy[size][size];
  }

  private static String host(int member) {
    return "m" + (member + 1) + "-peer";
  }

  private static InetAddress linkAddress(int from, int to) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) (from + 1), (byte) (to + 1)});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String advertisePeerUrl(String member, int to, int listenPort) {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort);
    int port = 0;
    try {
      for (int from = 0; from < size; from++) {
        // Every proxy of member `to` listens on the same port (on its own address): the one port
        // `to` advertises. The member dials itself too (its Ratis client sends admin requests
        // such as a leadership transfer to its own address), through a link no fault touches.
        LinkProxy p =
            new LinkProxy("m" + (from + 1) + "->m" + (to + 1), linkAddress(from, to), port, target);
        port = p.port();
        links[from][to] = p;
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot start the proxies of " + member, e);
    }
    return "http://" + host(to) + ":" + port;
  }

  @Override
  public List<String> jvmArgs(String member, int from) {
    StringBuilder hosts = new StringBuilder();
    hosts.append("127.0.0.1 localhost\n");
    try {
      // Libraries may look up the local host name; with a hosts file nothing else resolves.
      hosts.append("127.0.0.1 ").append(InetAddress.getLocalHost().getHostName()).append('\n');
    } catch (UnknownHostException e) {
      // No name to add.
    }
    for (int to = 0; to < size; to++) {
      hosts
          .append(linkAddress(from, to).getHostAddress())
          .append(' ')
          .append(host(to))
          .append('\n');
    }
    Path file = dir.resolve("hosts-" + member);
    try {
      Files.createDirectories(dir);
      Files.writeString(file, hosts.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of("-Djdk.net.hosts.file=" + file.toAbsolutePath());
  }

  public int size() {
    return size;
  }

  /** The proxy of connections {@code from} opens to {@code to}. */
  public LinkProxy link(int from, int to) {
    return links[from][to];
  }

  /**
   * Cuts every link between members of different components (members in no component are cut off
   * from all). Links inside a component stay as they are.
   */
  public void partition(Collection<Set<Integer>> components) {
    for (int a = 0; a < size; a++) {
      for (int b = 0; b < size; b++) {
        if (a != b && !together(components, a, b)) {
          links[a][b].blackhole(true);
        }
      }
    }
  }

  /** Cuts the links between {@code a} and {@code b}, both directions. */
  public void cut(int a, int b) {
    links[a][b].blackhole(true);
    links[b][a].blackhole(true);
  }

  private static boolean together(Collection<Set<Integer>> components, int a, int b) {
    for (Set<Integer> c : components) {
      if (c.contains(a) && c.contains(b)) {
        return true;
      }
    }
    return false;
  }

  /** Delay (and jitter) on every link between two members. */
  public void delayAll(long millis, long jitter) {
    forEachPeerLink(l -> l.delay(millis, jitter));
  }

  /** Loss-like stalls on every link between two members. */
  public void lossAll(double probability) {
    forEachPeerLink(l -> l.loss(probability));
  }

  private void forEachPeerLink(java.util.function.Consumer<LinkProxy> action) {
    for (int a = 0; a < size; a++) {
      for (int b = 0; b < size; b++) {
        if (a != b && links[a][b] != null) {
          action.accept(links[a][b]);
        }
      }
    }
  }

  /** Every link open, no delay, no loss. */
  public void heal() {
    forEach(LinkProxy::clear);
  }

  private void forEach(java.util.function.Consumer<LinkProxy> action) {
    for (LinkProxy[] row : links) {
      for (LinkProxy l : row) {
        if (l != null) {
          action.accept(l);
        }
      }
    }
  }

  /** Every link exists (each member dialed each other member through its proxy at least once). */
  public List<String> unusedLinks() {
    List<String> out = new ArrayList<>();
    forEachPeerLink(
        l -> {
          if (l.acceptedConnections() == 0) {
            out.add(l.name());
          }
        });
    return out;
  }

  @Override
  public void close() {
    forEach(LinkProxy::close);
  }
}
