package io.strata.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bin/strata-bench}: {@code put}, {@code range} and {@code compare}. Progress goes to
 * stderr; results (a JSON line, then a Markdown table) go to stdout.
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
        case "put" -> runLoad(LoadOptions.parse(Workload.PUT, rest), out, err);
        case "range" -> runLoad(LoadOptions.parse(Workload.RANGE, rest), out, err);
        case "compare" -> out.print(new ClusterCompare(rest, err).run());
        default -> throw new IllegalArgumentException("unknown command '" + argv.get(0) + "'");
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
          put      Put keys from a key space
          range    Get single keys from the key space
          compare  Same runs against a fresh 3-member Strata cluster, then a fresh 3-member etcd one

        put / range flags:
          --endpoints h:p,...   endpoints (default 127.0.0.1:2379); connection i uses endpoint i mod n
          --conns N             gRPC connections (default 1)
          --clients N           concurrent clients sharing the connections round-robin (default 1)
          --total N             requests (default 10000)
          --duration D          run for D (30s, 2m) instead of a total
          --key-size N          key bytes (default 8)
          --val-size N          value bytes (put; default 8)
          --key-space-size N    keys are drawn from [0, N) (default 1)
          --sequential-keys     keys 0, 1, 2, ... instead of random
          --consistency l|s     range: linearizable or serializable (default l)
          --request-timeout D   per-request deadline (default 10s)
          --json FILE           also write the JSON result to FILE
          --label S             label of the Markdown row

        compare flags:
          --runs SPEC,...       workload:clients[:conns], workload put, range-l or range-s
                                (default put:1:1,put:16:16,put:256:16)
          --systems LIST        strata,etcd (default; in that order, one after the other)
          --duration D | --total N   per run (default 20s)
          --warmup D            unmeasured load before each run (default 5s)
          --key-size, --val-size, --key-space-size, --sequential-keys   (defaults 8, 256, 100000)
          --target leader|all   send requests to the leader (default) or spread over all members
          --strata-bin PATH     default $STRATA_HOME/bin/strata
          --etcd-bin PATH       default etcd (from PATH)
          --port-base P         member i listens on i*10000+P, peers on the next port (default 2379)
          --strata-java-opts S  STRATA_JAVA_OPTS for the members; {name} becomes the member name
          --out FILE            write the Markdown report to FILE (it also goes to stdout)
          --json FILE           write one JSON line per run to FILE
          --logs DIR            copy the member logs to DIR
        """;
  }
}
