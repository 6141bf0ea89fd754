package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.StatusRequest;
import io.strata.api.etcdserverpb.StatusResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fresh 3-member cluster (Strata through {@code bin/strata}, or etcd) on 127.0.0.1 with data
 * directories under a temporary directory. Member {@code i} (1..3) listens for clients on {@code
 * i*10000 + base} and for peers on the next port, etcd's Procfile scheme ({@code 12379/12380,
 * 22379/22380, 32379/32380} by default). Closing stops every member and deletes the directory; a
 * JVM shutdown hook kills members that are still alive if the JVM exits first.
 */
final class LocalCluster implements AutoCloseable {
  static final int MEMBERS = 3;

  /** What runs the members. */
  enum Kind {
    STRATA,
    ETCD;

    String displayName() {
      return this == STRATA ? "Strata" : "etcd";
    }
  }

  private final Kind kind;
  private final Path dir;
  private final List<MemberProcess> members = new ArrayList<>();
  private final Thread killHook;

  private LocalCluster(Kind kind, Path dir) {
    this.kind = kind;
    this.dir = dir;
    this.killHook = new Thread(this::killAndDelete, "kill-members");
    Runtime.getRuntime().addShutdownHook(killHook);
  }

  /**
   * Starts the members and waits until all of them answer and agree on a leader that takes a write.
   *
   * @param executable {@code bin/strata} or the etcd binary
   * @param env added to each member's environment (Strata reads {@code STRATA_JAVA_OPTS})
   */
  static LocalCluster start(
      Kind kind,
      String executable,
      int basePort,
      Map<String, String> env,
      List<String> extraFlags,
      PrintStream log)
      throws IOException, InterruptedException {
    for (int i = 1; i <= MEMBERS; i++) {
      requireFree(clientPort(basePort, i));
      requireFree(clientPort(basePort, i) + 1);
    }
    Path dir = Files.createTempDirectory("strata-bench-" + kind.name().toLowerCase() + "-");
    LocalCluster c = new LocalCluster(kind, dir);
    try {
      StringBuilder initial = new StringBuilder();
      for (int i = 1; i <= MEMBERS; i++) {
        initial
            .append(i > 1 ? "," : "")
            .append("m")
            .append(i)
            .append("=")
            .append(peerUrl(basePort, i));
      }
      for (int i = 1; i <= MEMBERS; i++) {
        String name = "m" + i;
        String client = "http://127.0.0.1:" + clientPort(basePort, i);
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(
            List.of(
                "--name",
                name,
                "--data-dir",
                dir.resolve(name).toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peerUrl(basePort, i),
                "--initial-advertise-peer-urls",
                peerUrl(basePort, i),
                "--initial-cluster",
                initial.toString(),
                "--initial-cluster-token",
                "bench-" + kind.name().toLowerCase(),
                "--initial-cluster-state",
                "new",
                "--election-timeout",
                "1000",
                "--heartbeat-interval",
                "100"));
        cmd.addAll(extraFlags);
        Map<String, String> memberEnv = new java.util.HashMap<>();
        env.forEach((k, v) -> memberEnv.put(k, v.replace("{name}", name)));
        c.members.add(
            MemberProcess.start(
                name,
                "127.0.0.1:" + clientPort(basePort, i),
                cmd,
                memberEnv,
                dir.resolve(name + ".log")));
      }
      log.printf("%s: started members %s in %s%n", kind.displayName(), c.pids(), dir);
      c.awaitReady(TimeUnit.SECONDS.toNanos(120));
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static int clientPort(int base, int i) {
    return i * 10_000 + base;
  }

  private static String peerUrl(int base, int i) {
    return "http://127.0.0.1:" + (clientPort(base, i) + 1);
  }

  private static void requireFree(int port) throws IOException {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new IOException("port " + port + " is in use; is another cluster running?", e);
    }
  }

  Kind kind() {
    return kind;
  }

  List<MemberProcess> members() {
    return members;
  }

  List<String> endpoints() {
    return members.stream().map(MemberProcess::clientEndpoint).toList();
  }

  private List<Long> pids() {
    return members.stream().map(MemberProcess::pid).toList();
  }

  /** The member that leads now, by asking each member for its status. */
  MemberProcess leader() {
    for (MemberProcess m : members) {
      StatusResponse s = status(m.clientEndpoint());
      if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
        return m;
      }
    }
    throw new IllegalStateException(kind.displayName() + ": no member reports itself as leader");
  }

  private void awaitReady(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    RuntimeException last = new IllegalStateException("not ready");
    while (System.nanoTime() < deadline) {
      for (MemberProcess m : members) {
        if (!m.isAlive()) {
          throw new IllegalStateException(
              kind.displayName()
                  + " member "
                  + m.name()
                  + " exited; see "
                  + dir.resolve(m.name() + ".log"));
        }
      }
      try {
        long leader = -1;
        for (MemberProcess m : members) {
          long l = status(m.clientEndpoint()).getLeader();
          if (l == 0 || (leader != -1 && l != leader)) {
            throw new IllegalStateException("members do not agree on a leader yet");
          }
          leader = l;
        }
        put(leader().clientEndpoint());
        return;
      } catch (StatusRuntimeException | IllegalStateException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(kind.displayName() + " cluster did not become ready", last);
  }

  private static StatusResponse status(String endpoint) {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      return MaintenanceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .status(StatusRequest.getDefaultInstance());
    } finally {
      ch.shutdownNow();
    }
  }

  private static void put(String endpoint) {
    ManagedChannel ch = ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
    try {
      KVGrpc.newBlockingStub(ch)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .put(
              PutRequest.newBuilder()
                  .setKey(ByteString.copyFromUtf8("bench-ready"))
                  .setValue(ByteString.copyFromUtf8("1"))
                  .build());
    } finally {
      ch.shutdownNow();
    }
  }

  /** The shutdown hook: the JVM is exiting with members still running (Ctrl-C, a crash). */
  private void killAndDelete() {
    members.forEach(MemberProcess::kill);
    try {
      for (MemberProcess m : members) {
        m.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteRecursively(dir);
  }

  /** Stops every member (SIGTERM, then SIGKILL) and deletes the data directories. */
  @Override
  public void close() throws InterruptedException {
    try {
      for (MemberProcess m : members) {
        m.close();
      }
    } finally {
      for (MemberProcess m : members) {
        m.kill();
      }
      deleteRecursively(dir);
      try {
        Runtime.getRuntime().removeShutdownHook(killHook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook runs anyway and finds nothing alive.
      }
    }
  }

  /** Copies the member logs to {@code target} (before close deletes them). */
  void copyLogs(Path target) throws IOException {
    Files.createDirectories(target);
    for (MemberProcess m : members) {
      Path log = dir.resolve(m.name() + ".log");
      if (Files.exists(log)) {
        Files.copy(
            log,
            target.resolve(kind.name().toLowerCase() + "-" + m.name() + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }
}
