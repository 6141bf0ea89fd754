package io.strata.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strata.api.etcdserverpb.HashKVRequest;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.StatusRequest;
import io.strata.api.etcdserverpb.StatusResponse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A cluster of member processes ({@link StoreServerMain} in child JVMs, one per member) on loopback
 * ports, with etcd's flags: {@code --initial-cluster} names every member and the token is unique
 * per cluster. Each member's stdout and stderr go to {@code
 * target/cluster-logs/<name>/<member>.log} (kept after the test, appended to on restart); data
 * lives in a temporary directory deleted by {@link #close}.
 *
 * <p>Fault hooks: {@link #kill} (SIGKILL, no shutdown hook runs), {@link #stop} (SIGTERM, the
 * member closes cleanly), {@link #restart} (same flags, same ports, same data; optionally with
 * extra JVM arguments for that launch only, e.g. to arm a failpoint), {@link #pause} and {@link
 * #resume} (SIGSTOP and SIGCONT). A {@link PeerRouting} given to {@link #start(String, int, List,
 * PeerRouting)} decides the peer address each member advertises and the JVM arguments of each
 * member, which is how the fault harness puts its proxies on the peer links. Clients get plaintext
 * gRPC channels per member; a member's channel is replaced when it restarts so no reconnect backoff
 * delays the test.
 */
public final class TestCluster implements AutoCloseable {
  /** What a member logs once its gRPC server accepts requests. */
  public static final String READY = "ready to serve client requests";

  /** The flags of the scenarios: etcd's 100 ms heartbeat and 1 s election timeout. */
  public static final List<String> FAST_ELECTION =
      List.of("--election-timeout", "1000", "--heartbeat-interval", "100");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** Generous: an overloaded 2-core machine runs the test JVM and every member. */
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration HASH_TIMEOUT = Duration.ofSeconds(60);
  private static final long POLL_MILLIS = 20;

  private final Path root;
  private final Path logDir;
  private final List<Member> members = new ArrayList<>();
  private final Thread cleanupOnExit = new Thread(this::destroyAll, "test-cluster-cleanup");
  private boolean closed;

  /** The cluster token, and each member's {@code name=peerURL}, for members that join later. */
  private final String token;

  private final List<String> clusterEntries = new ArrayList<>();

  /**
   * How members reach each other's peer ports. By default each member advertises the loopback
   * address it listens on, so peers dial it directly.
   */
  public interface PeerRouting {
    /** Direct loopback links, no extra JVM arguments. */
    PeerRouting DIRECT =
        new PeerRouting() {
          @Override
          public String advertisePeerUrl(String member, int index, int listenPort) {
            return url(listenPort);
          }

          @Override
          public List<String> jvmArgs(String member, int index) {
            return List.of();
          }
        };

    /**
     * The peer URL member {@code index} (0-based, named {@code member}) advertises in {@code
     * --initial-cluster} and {@code --initial-advertise-peer-urls}; it listens on {@code
     * listenPort} on 127.0.0.1.
     */
    String advertisePeerUrl(String member, int index, int listenPort);

    /** JVM arguments for every launch of the member. */
    List<String> jvmArgs(String member, int index);
  }

  private TestCluster(String name, int size, List<String> extraFlags) throws IOException {
    this(name, size, extraFlags, PeerRouting.DIRECT);
  }

  private TestCluster(String name, int size, List<String> extraFlags, PeerRouting routing)
      throws IOException {
    root = Files.createTempDirectory("strata-cluster-");
    logDir = Path.of(System.getProperty("basedir", "."), "target", "cluster-logs", name);
    deleteRecursively(logDir);
    Files.createDirectories(logDir);
    // The JVM may end (a fork timeout, Ctrl-C) before close(): never leave members behind.
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    token = "strata-it-" + UUID.randomUUID();
    List<int[]> ports = freePorts(size);
    List<String> advertised =
        IntStream.range(0, size)
            .mapToObj(i -> routing.advertisePeerUrl("m" + (i + 1), i, ports.get(i)[1]))
            .toList();
    String initialCluster =
        IntStream.range(0, size)
            .mapToObj(i -> "m" + (i + 1) + "=" + advertised.get(i))
            .collect(Collectors.joining(","));
    clusterEntries.addAll(List.of(initialCluster.split(",")));
    for (int i = 0; i < size; i++) {
      String member = "m" + (i + 1);
      int client = ports.get(i)[0];
      int peer = ports.get(i)[1];
      List<String> flags = new ArrayList<>();
      flags.addAll(
          List.of(
              "--name", member,
              "--data-dir", root.resolve(member).toString(),
              "--listen-client-urls", url(client),
              "--advertise-client-urls", url(client),
              "--listen-peer-urls", url(peer),
              "--initial-advertise-peer-urls", advertised.get(i),
              "--initial-cluster", initialCluster,
              "--initial-cluster-token", token));
      flags.addAll(extraFlags);
      members.add(
          new Member(
              member, client, flags, routing.jvmArgs(member, i), logDir.resolve(member + ".log")));
    }
  }

  /**
   * Creates {@code size} members named m1..mN without starting them, so a test can prepare their
   * data directories first (a restore); {@link #startAll} starts them.
   */
  public static TestCluster prepare(String name, int size, List<String> extraFlags)
      throws IOException {
    return new TestCluster(name, size, extraFlags);
  }

  /**
   * Starts {@code size} members named m1..mN and waits until each serves clients. {@code name}
   * names the log directory (for example {@code ClusterIT/killLeader}).
   */
  public static TestCluster start(String name, int size, List<String> extraFlags)
      throws IOException {
    return start(name, size, extraFlags, PeerRouting.DIRECT);
  }

  /**
   * As {@link #start(String, int, List)}, with members reaching each other through {@code routing}.
   */
  public static TestCluster start(
      String name, int size, List<String> extraFlags, PeerRouting routing) throws IOException {
    TestCluster cluster = new TestCluster(name, size, extraFlags, routing);
    try {
      cluster.startAll();
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  public List<Member> running() {
    return members.stream().filter(Member::isRunning).toList();
  }

  /** The running member that says it is the leader (Status: header.member_id == leader). */
  public Optional<Member> leader() {
    for (Member m : running()) {
      try {
        StatusResponse s = m.status();
        if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
          return Optional.of(m);
        }
      } catch (RuntimeException e) {
        // Starting, stopping or unreachable: not the leader we can use.
      }
    }
    return Optional.empty();
  }

  public Member awaitLeader(Duration timeout) {
    return awaitValue("a leader among " + names(running()), timeout, this::leader);
  }

  /** The running members other than the leader (awaits a leader). */
  public List<Member> followers(Duration timeout) {
    Member leader = awaitLeader(timeout);
    return running().stream().filter(m -> m != leader).toList();
  }

  /** Starts every stopped member at once, then waits until each serves clients. */
  public void startAll() {
    List<Member> starting = members.stream().filter(m -> !m.isAlive()).toList();
    starting.forEach(m -> m.launch(List.of()));
    starting.forEach(Member::awaitReady);
  }

  /** SIGKILL: the member gets no chance to flush or close anything. */
  public void kill(Member m) {
    m.terminate(true);
  }

  /** SIGTERM, then waits for the member to exit (it closes its server and store). */
  public void stop(Member m) {
    m.terminate(false);
  }

  /**
   * Creates, without starting, a member that joins this running cluster, as etcd documents after
   * {@code member add}: its {@code --initial-cluster} names every member so far and itself, with
   * {@code --initial-cluster-state existing}. Its peer URL is {@code
   * m.flag("--initial-advertise-peer-urls")}; {@link #restart} starts it.
   */
  public Member newJoiningMember(String name, List<String> extraFlags) throws IOException {
    int[] ports = freePorts(1).get(0);
    clusterEntries.add(name + "=" + url(ports[1]));
    List<String> flags = new ArrayList<>();
    flags.addAll(
        List.of(
            "--name", name,
            "--data-dir", root.resolve(name).toString(),
            "--listen-client-urls", url(ports[0]),
            "--advertise-client-urls", url(ports[0]),
            "--listen-peer-urls", url(ports[1]),
            "--initial-advertise-peer-urls", url(ports[1]),
            "--initial-cluster", String.join(",", clusterEntries),
            "--initial-cluster-state", "existing",
            "--initial-cluster-token", token));
    flags.addAll(extraFlags);
    Member m = new Member(name, ports[0], flags, List.of(), logDir.resolve(name + ".log"));
    members.add(m);
    return m;
  }

  /** Starts a stopped or killed member again with the same flags and data, waits until ready. */
  public void restart(Member m) {
    restart(m, List.of());
  }

  /**
   * As {@link #restart(Member)}, with {@code extraJvmArgs} for this launch only (later restarts go
   * without them), for example a system property that arms a failpoint.
   */
  public void restart(Member m, List<String> extraJvmArgs) {
    m.launch(extraJvmArgs);
    m.awaitReady();
  }

  /**
   * Launches a stopped or killed member without waiting until it is ready (it may crash on a
   * failpoint during recovery); {@link Member#awaitReady} waits.
   */
  public void launch(Member m, List<String> extraJvmArgs) {
    m.launch(extraJvmArgs);
  }

  /** SIGSTOP: the member freezes mid-flight, sockets open; it is not running until resumed. */
  public void pause(Member m) {
    m.sendSignal("STOP");
    m.paused = true;
  }

  /** SIGCONT for a paused member. */
  public void resume(Member m) {
    m.sendSignal("CONT");
    m.paused = false;
  }

  public void killAll() {
    members.stream().filter(Member::isAlive).forEach(m -> m.signal(true));
    members.forEach(Member::awaitExit);
  }

  public void stopAll() {
    members.stream().filter(Member::isAlive).forEach(m -> m.signal(false));
    members.forEach(Member::awaitExit);
  }

  /** Waits until every running member reports the same current revision, and returns it. */
  public long awaitSameRevision(Duration timeout) {
    long[] common = new long[1];
    await(
        "the same revision on " + names(running()),
        timeout,
        () -> {
          List<Long> revisions =
              running().stream().map(m -> m.status().getHeader().getRevision()).toList();
          common[0] = revisions.get(0);
          return revisions.stream().distinct().count() == 1;
        });
    return common[0];
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroyAll();
    for (Member m : members) {
      m.closeChannel();
    }
    deleteRecursively(root);
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // Already shutting down; the hook runs or ran.
    }
  }

  private void destroyAll() {
    for (Member m : members) {
      Process p = m.process;
      if (p != null) {
        p.destroyForcibly();
      }
    }
    for (Member m : members) {
      Process p = m.process;
      if (p != null) {
        try {
          p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** One member process with its flags, log file and client channel. */
  public final class Member {
    private final String name;
    private final int clientPort;
    private volatile List<String> flags;
    private final List<String> jvmArgs;
    private final Path log;
    private volatile @Nullable Process process;
    private volatile @Nullable ManagedChannel channel;
    private volatile boolean ready;
    private volatile boolean paused;
    private volatile long logOffsetAtStart;

    /** Per searched text, how far the log was already searched (see {@link #loggedSinceStart}). */
    private final Map<String, Long> searched = new ConcurrentHashMap<>();

    private Member(
        String name, int clientPort, List<String> flags, List<String> jvmArgs, Path log) {
      this.name = name;
      this.clientPort = clientPort;
      this.flags = List.copyOf(flags);
      this.jvmArgs = List.copyOf(jvmArgs);
      this.log = log;
    }

    public String name() {
      return name;
    }

    public Path log() {
      return log;
    }

    /** The client endpoint as etcdctl takes it ({@code 127.0.0.1:port}). */
    public String endpoint() {
      return "127.0.0.1:" + clientPort;
    }

    /** The value the member is started with for {@code flag} (for example "--data-dir"). */
    public String flag(String flag) {
      int i = flags.indexOf(flag);
      if (i < 0 || i + 1 >= flags.size()) {
        throw new IllegalArgumentException(name + " has no flag " + flag);
      }
      return flags.get(i + 1);
    }

    /**
     * Changes the value of {@code flag} for the member's next launches (for example its peer URLs
     * after MemberUpdate); the member must not be running.
     */
    public void setFlag(String flag, String value) {
      if (isAlive()) {
        throw new IllegalStateException(name + " is running; stop it before changing " + flag);
      }
      List<String> changed = new ArrayList<>(flags);
      int i = changed.indexOf(flag);
      if (i < 0 || i + 1 >= changed.size()) {
        throw new IllegalArgumentException(name + " has no flag " + flag);
      }
      changed.set(i + 1, value);
      flags = List.copyOf(changed);
    }

    /** Started, serving clients, and not killed, stopped or paused since. */
    public boolean isRunning() {
      Process p = process;
      return ready && !paused && p != null && p.isAlive();
    }

    /** The process exists (it may be paused, starting, or not yet ready). */
    public boolean isAlive() {
      Process p = process;
      return p != null && p.isAlive();
    }

    /** A channel to this member; a new one once it is ready after each (re)start. */
    public ManagedChannel channel() {
      ManagedChannel c = channel;
      if (c == null) {
        throw new IllegalStateException(name + " was never started");
      }
      return c;
    }

    public KVGrpc.KVStub kvAsync() {
      return KVGrpc.newStub(channel());
    }

    public KVGrpc.KVBlockingStub kv() {
      return KVGrpc.newBlockingStub(channel())
          .withDeadlineAfter(RPC_TIMEOUT.toMillis() * 4, TimeUnit.MILLISECONDS);
    }

    public MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
      return MaintenanceGrpc.newBlockingStub(channel())
          .withDeadlineAfter(RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public StatusResponse status() {
      return maintenance().status(StatusRequest.getDefaultInstance());
    }

    /** HashKV reads every version up to {@code revision}: allowed far longer than Status. */
    public HashKVResponse hashKv(long revision) {
      return MaintenanceGrpc.newBlockingStub(channel())
          .withDeadlineAfter(HASH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .hashKV(HashKVRequest.newBuilder().setRevision(revision).build());
    }

    /** What the member logged since it was last started. */
    public String logSinceStart() {
      return readLog(logOffsetAtStart);
    }

    /**
     * Whether the member logged {@code text} since it was last started. Reads only what was
     * appended since the previous call for the same text, so polling a large log stays cheap.
     */
    public boolean loggedSinceStart(String text) {
      int overlap = text.getBytes(StandardCharsets.UTF_8).length;
      long from = Math.max(logOffsetAtStart, searched.getOrDefault(text, 0L) - overlap);
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        long end = f.length();
        if (end <= from) {
          return false;
        }
        byte[] bytes = new byte[(int) (end - from)];
        f.seek(from);
        f.readFully(bytes);
        if (new String(bytes, StandardCharsets.UTF_8).contains(text)) {
          return true;
        }
        searched.put(text, end);
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The whole log, across restarts. */
    public String fullLog() {
      return readLog(0);
    }

    private String readLog(long from) {
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        long length = f.length();
        if (length <= from) {
          return "";
        }
        byte[] bytes = new byte[(int) (length - from)];
        f.seek(from);
        f.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The member's client port on 127.0.0.1. */
    public int clientPort() {
      return clientPort;
    }

    private void sendSignal(String signal) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(name + " is not running");
      }
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + name + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while signalling " + name, e);
      }
    }

    private synchronized void launch(List<String> launchJvmArgs) {
      Process running = process;
      if (running != null && running.isAlive()) {
        throw new IllegalStateException(name + " is already running");
      }
      ready = false;
      paused = false;
      closeChannel();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // Small heaps so five members fit; C1 only, which on 2 cores shared by several JVMs started
      // members in half the time and wrote 10,000 puts about 30% faster than with C2; a private
      // temp dir so native libraries that RocksDB and Netty unpack there are deleted with the
      // cluster even when the member is killed.
      command.addAll(
          List.of(
              "-Xms32m",
              "-Xmx256m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-XX:+ExitOnOutOfMemoryError",
              "-Djava.io.tmpdir=" + tmpDir(),
              // The store-core test-jar on the class path sets WARN; the tests read INFO lines.
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
              "-Dorg.slf4j.simpleLogger.showDateTime=true",
              "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
              "-cp",
              System.getProperty("java.class.path")));
      // For debugging, e.g.
      // -Dstrata.it.member-jvm-args=-Dorg.slf4j.simpleLogger.log.org.apache.ratis=info
      String extra = System.getProperty("strata.it.member-jvm-args", "").trim();
      if (!extra.isEmpty()) {
        command.addAll(List.of(extra.split("\\s+")));
      }
      command.addAll(jvmArgs);
      command.addAll(launchJvmArgs);
      command.add(StoreServerMain.class.getName());
      command.addAll(flags);
      try {
        Files.createDirectories(tmpDir());
        Files.writeString(
            log,
            "=== test-cluster: starting " + name + " ===\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        logOffsetAtStart = Files.size(log);
        searched.clear();
        process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }

    private Path tmpDir() {
      return root.resolve("tmp-" + name);
    }

    /** Waits until the member logged that it serves clients since its last launch. */
    public void awaitReady() {
      await(
          name + " to log '" + READY + "' (see " + log + ")",
          START_TIMEOUT,
          () -> {
            if (loggedSinceStart(READY)) {
              // Connect only now: a channel that tried earlier backs off for a second or more.
              channel =
                  NettyChannelBuilder.forAddress(
                          new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPort))
                      .usePlaintext()
                      .maxInboundMessageSize(32 << 20)
                      .build();
              ready = true;
              return true;
            }
            Process p = process;
            if (p == null || !p.isAlive()) {
              throw new IllegalStateException(
                  name + " exited before it was ready; log tail:\n" + tail(logSinceStart()));
            }
            return false;
          });
    }

    private void terminate(boolean forcibly) {
      signal(forcibly);
      awaitExit();
    }

    private void signal(boolean forcibly) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(name + " is not running");
      }
      ready = false;
      paused = false;
      if (forcibly) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
    }

    private void awaitExit() {
      Process p = process;
      if (p == null) {
        return;
      }
      try {
        if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(name + " did not exit within " + STOP_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while stopping " + name, e);
      } finally {
        closeChannel();
      }
    }

    private void closeChannel() {
      ManagedChannel c = channel;
      if (c != null) {
        c.shutdownNow();
        try {
          c.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Polls {@code condition} (every 20 ms) until it holds; fails after {@code timeout}. An exception
   * from the condition counts as "not yet" and is attached to the failure, except {@link
   * IllegalStateException}, which means waiting longer cannot help and fails at once.
   */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    awaitValue(
        what,
        timeout,
        () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /** Polls {@code value} until it is present and returns it; fails after {@code timeout}. */
  public static <T> T awaitValue(String what, Duration timeout, Supplier<Optional<T>> value) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        Optional<T> v = value.get();
        if (v.isPresent()) {
          return v.get();
        }
        last = null;
      } catch (IllegalStateException e) {
        throw e;
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
      }
      try {
        Thread.sleep(POLL_MILLIS); // the poll interval, not a guess at how long anything takes
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  public static String names(List<Member> members) {
    return members.stream().map(Member::name).collect(Collectors.joining(",", "[", "]"));
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  /** A (client, peer) port pair per member; all sockets stay open until all are chosen. */
  private static List<int[]> freePorts(int size) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * size; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      List<int[]> ports = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ports.add(
            new int[] {sockets.get(2 * i).getLocalPort(), sockets.get(2 * i + 1).getLocalPort()});
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
