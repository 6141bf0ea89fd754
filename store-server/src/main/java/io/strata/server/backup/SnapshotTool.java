package io.strata.server.backup;

import io.strata.core.backup.CorruptSnapshotException;
import io.strata.core.mvcc.StoreRestorer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stratactl snapshot status|restore} (bin/stratactl routes them here because they need the
 * storage engine): etcdutl's flags and output. Flags take {@code --flag value} or {@code
 * --flag=value}; flags of the client ({@code --endpoints} and the like) are accepted and ignored so
 * a command line written for etcdctl works. Errors print one {@code Error:} line and exit 1.
 */
public final class SnapshotTool {
  private SnapshotTool() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintStream(System.out, true, StandardCharsets.UTF_8),
            new PrintStream(System.err, true, StandardCharsets.UTF_8)));
  }

  /** Runs {@code status FILE} or {@code restore FILE ...}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        out.print(usage());
        return 0;
      }
      if (a.startsWith("--") || a.equals("-w")) {
        String name = a.startsWith("--") ? a.substring(2) : "write-out";
        int eq = name.indexOf('=');
        if (eq >= 0) {
          flags.put(name.substring(0, eq), name.substring(eq + 1));
        } else if (name.equals("mark-compacted")) {
          flags.put(name, "true");
        } else if (i + 1 < args.length) {
          flags.put(name, args[++i]);
        } else {
          err.println("Error: flag needs an argument: " + a);
          return 1;
        }
      } else {
        words.add(a);
      }
    }
    if (!words.isEmpty() && words.get(0).equals("snapshot")) {
      words.remove(0);
    }
    if (words.size() != 2) {
      err.println("Error: want `snapshot status FILE` or `snapshot restore FILE [flags]`");
      err.print(usage());
      return 1;
    }
    try {
      return switch (words.get(0)) {
        case "status" ->
            status(Path.of(words.get(1)), flags.getOrDefault("write-out", "simple"), out);
        case "restore" -> restore(Path.of(words.get(1)), flags, out);
        default -> {
          err.println("Error: unknown snapshot command " + words.get(0));
          yield 1;
        }
      };
    } catch (CorruptSnapshotException e) {
      err.println("Error: " + e.getMessage() + " (nothing was written)");
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("Error: " + e.getMessage());
      return 1;
    }
  }

  private static int status(Path file, String format, PrintStream out) throws IOException {
    SnapshotStatus s = SnapshotStatus.of(file, Path.of(System.getProperty("java.io.tmpdir")));
    String hash = Integer.toHexString(s.hash());
    switch (format) {
      case "json" ->
          out.printf(
              "{\"hash\":%d,\"revision\":%d,\"totalKey\":%d,\"totalSize\":%d}%n",
              Integer.toUnsignedLong(s.hash()), s.revision(), s.totalKeys(), s.totalSize());
      case "table" -> {
        List<String> header = List.of("HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE");
        List<String> row =
            List.of(
                hash,
                Long.toString(s.revision()),
                Long.toString(s.totalKeys()),
                size(s.totalSize()));
        int[] w = new int[4];
        for (int i = 0; i < 4; i++) {
          w[i] = Math.max(header.get(i).length(), row.get(i).length());
        }
        StringBuilder rule = new StringBuilder("+");
        StringBuilder head = new StringBuilder("|");
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < 4; i++) {
          rule.append("-".repeat(w[i] + 2)).append('+');
          int gap = w[i] - header.get(i).length();
          head.append(' ')
              .append(" ".repeat(gap / 2))
              .append(header.get(i))
              .append(" ".repeat(gap - gap / 2))
              .append(" |");
          line.append(' ')
              .append(" ".repeat(w[i] - row.get(i).length()))
              .append(row.get(i))
              .append(" |");
        }
        out.println(rule);
        out.println(head);
        out.println(rule);
        out.println(line);
        out.println(rule);
      }
      case "simple" ->
          out.printf("%s, %d, %d, %s%n", hash, s.revision(), s.totalKeys(), size(s.totalSize()));
      default -> throw new IllegalArgumentException("unsupported output format " + format);
    }
    return 0;
  }

  private static int restore(Path file, Map<String, String> flags, PrintStream out)
      throws IOException {
    String name = flags.getOrDefault("name", "default");
    Path dataDir = Path.of(flags.getOrDefault("data-dir", name + ".strata"));
    String peer = flags.getOrDefault("initial-advertise-peer-urls", "http://localhost:2380");
    String cluster = flags.getOrDefault("initial-cluster", name + "=" + peer);
    long bump =
        Long.parseLong(
            flags.getOrDefault(
                "bump-revision", Long.toString(SnapshotRestore.DEFAULT_BUMP_REVISION)));
    boolean markCompacted = Boolean.parseBoolean(flags.getOrDefault("mark-compacted", "true"));
    StoreRestorer.Restored r =
        SnapshotRestore.restore(
            new SnapshotRestore.Options(
                file, dataDir, name, initialCluster(cluster), urls(peer), bump, markCompacted));
    out.printf(
        "restored snapshot %s into %s as member %s: revision %d (snapshot at %d), compacted at %d%n",
        file, dataDir, name, r.revision(), r.sourceRevision(), r.compactRevision());
    return 0;
  }

  static Map<String, List<URI>> initialCluster(String flag) {
    Map<String, List<URI>> cluster = new LinkedHashMap<>();
    for (String entry : flag.split(",")) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bad --initial-cluster entry: " + entry);
      }
      cluster
          .computeIfAbsent(entry.substring(0, eq).trim(), k -> new ArrayList<>())
          .add(URI.create(entry.substring(eq + 1).trim()));
    }
    return cluster;
  }

  private static List<URI> urls(String flag) {
    List<URI> out = new ArrayList<>();
    for (String u : flag.split(",")) {
      out.add(URI.create(u.trim()));
    }
    return out;
  }

  /** etcdutl prints sizes with go-humanize (SI units). */
  static String size(long n) {
    if (n < 10) {
      return n + " B";
    }
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int e = (int) Math.floor(Math.log(n) / Math.log(1000));
    double v = Math.floor(n / Math.pow(1000, e) * 10 + 0.5) / 10;
    return (v < 10 ? String.format("%.1f", v) : String.format("%.0f", v)) + " " + units[e];
  }

  private static String usage() {
    return """
        Usage:
          stratactl snapshot status <file> [-w simple|json|table]
          stratactl snapshot restore <file> --data-dir <dir> --name <name>
              --initial-cluster <name=peer-url,...> --initial-advertise-peer-urls <url>
              [--initial-cluster-token <token>] [--bump-revision N] [--mark-compacted[=false]]

        restore builds a new member's data directory from a snapshot file. By default the
        revision is bumped by 1000000000 and every earlier revision is marked compacted, so
        watchers and caches of the old cluster re-list instead of seeing revisions go back.
        """;
  }
}
