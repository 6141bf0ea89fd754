package io.strata.server.compat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs etcdctl (v3 API) commands against one endpoint and renders a transcript with everything that
 * legitimately differs between two clusters masked: ids, terms, Raft indexes, sizes, timings,
 * ports, versions and the Go client's retry warnings.
 */
final class EtcdctlTranscript {
  /**
   * One etcdctl invocation, with optional standard input (for txn). A step with {@code runMillis}
   * runs that long and is then stopped (for watch and elect, which never end); a {@code background}
   * step keeps running while the following steps run, and its output is printed at the next {@link
   * #collect} step. {@code ${lease}} in an argument is replaced by the last lease id a {@code lease
   * grant} printed, {@code ${member}} by the last id a {@code member add} printed, and {@code
   * ${self}} by the id {@code member list} printed for the member named "default".
   */
  record Step(List<String> args, String stdin, long runMillis, boolean background) {
    static Step of(String... args) {
      return new Step(List.of(args), "", 0, false);
    }

    static Step withInput(String stdin, String... args) {
      return new Step(List.of(args), stdin, 0, false);
    }

    static Step running(long millis, String... args) {
      return new Step(List.of(args), "", millis, false);
    }

    static Step background(String... args) {
      return new Step(List.of(args), "", 0, true);
    }

    /** Stops the background step after {@code millis} and prints what it printed. */
    static Step collect(long millis) {
      return new Step(List.of(), "", millis, false);
    }
  }

  private static final Pattern LEASE_GRANTED = Pattern.compile("lease ([0-9a-f]+) granted");
  private static final Pattern MEMBER_ADDED =
      Pattern.compile("Member ([0-9a-f]+) added to cluster");
  private static final Pattern MEMBER_DEFAULT =
      Pattern.compile("(?m)^([0-9a-f]+), started, default,");

  private static final Pattern[] MASKS = {
    Pattern.compile("\"(cluster_id|member_id|raft_term|ID)\":\\d+"),
    Pattern.compile("took = \\S+"),
    Pattern.compile("127\\.0\\.0\\.1:\\d+"),
    Pattern.compile("\\b[0-9a-f]{12,16}\\b"),
    Pattern.compile("remaining\\(\\d+s\\)"),
    Pattern.compile("^<endpoint>, \\d+$"),
    Pattern.compile("/tmp/\\S+"),
    // etcdctl prints ids with %16x: a shorter id is padded with spaces.
    Pattern.compile(" {2,}<id>"),
  };
  private static final String[] REPLACEMENTS = {
    "\"$1\":<masked>",
    "took = <t>",
    "<endpoint>",
    "<id>",
    "remaining(<s>)",
    "<endpoint>, <hash>",
    "<path>",
    " <id>"
  };

  /** `endpoint status` simple output: endpoint, id, version, db size, leader, learner, term... */
  private static final Pattern STATUS_LINE =
      Pattern.compile(
          "^<endpoint>, (?:<id>|[0-9a-f]+), [0-9.]+, [0-9.]+ [kMG]?B, (true|false), (true|false), \\d+, \\d+, \\d+, (.*)$");

  private EtcdctlTranscript() {}

  static String run(String endpoint, List<Step> steps) throws IOException, InterruptedException {
    return run(List.of("etcdctl"), endpoint, steps, 0);
  }

  /**
   * Runs the steps with {@code program} in etcdctl's place (stratactl for its own transcript test),
   * still echoing each command as {@code $ etcdctl ...} so both print the same transcript. {@code
   * startMillis} is added to every timed step for a program that starts slower than etcdctl (a
   * JVM).
   */
  static String run(List<String> program, String endpoint, List<Step> steps, long startMillis)
      throws IOException, InterruptedException {
    StringBuilder out = new StringBuilder();
    String lease = "0";
    String member = "0";
    String self = "0";
    Process background = null;
    java.nio.file.Path bgOut = null;
    java.nio.file.Path bgErr = null;
    for (Step step : steps) {
      if (step.args().isEmpty()) {
        // collect the background step
        TimeUnit.MILLISECONDS.sleep(step.runMillis());
        if (background != null) {
          background.destroy();
          background.waitFor(30, TimeUnit.SECONDS);
          out.append("[background output]\n");
          append(out, java.nio.file.Files.readString(bgOut), "");
          append(out, java.nio.file.Files.readString(bgErr), "! ");
          out.append("[stopped]\n\n");
          java.nio.file.Files.deleteIfExists(bgOut);
          java.nio.file.Files.deleteIfExists(bgErr);
          background = null;
        }
        continue;
      }
      List<String> cmd = new ArrayList<>(program);
      cmd.add("--endpoints=" + endpoint);
      cmd.add("--command-timeout=10s");
      for (String a : step.args()) {
        cmd.add(a.replace("${lease}", lease).replace("${member}", member).replace("${self}", self));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("ETCDCTL_API", "3");
      out.append("$ etcdctl ").append(mask(String.join(" ", step.args()))).append('\n');
      if (step.background()) {
        bgOut = java.nio.file.Files.createTempFile("etcdctl", ".out");
        bgErr = java.nio.file.Files.createTempFile("etcdctl", ".err");
        pb.redirectOutput(bgOut.toFile()).redirectError(bgErr.toFile());
        background = pb.start();
        TimeUnit.MILLISECONDS.sleep(1000 + startMillis); // let it connect and create its watch
        out.append("[started in the background]\n\n");
        continue;
      }
      java.nio.file.Path stdoutFile = java.nio.file.Files.createTempFile("etcdctl", ".out");
      java.nio.file.Path stderrFile = java.nio.file.Files.createTempFile("etcdctl", ".err");
      pb.redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile());
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(step.stdin().getBytes(StandardCharsets.UTF_8));
      }
      String exit;
      if (step.runMillis() > 0) {
        boolean ended = p.waitFor(step.runMillis() + startMillis, TimeUnit.MILLISECONDS);
        if (!ended) {
          p.destroy();
          p.waitFor(30, TimeUnit.SECONDS);
        }
        exit = ended ? "exit " + p.exitValue() : "stopped";
      } else {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException("etcdctl hung: " + cmd);
        }
        exit = "exit " + p.exitValue();
      }
      String stdout = java.nio.file.Files.readString(stdoutFile);
      String stderr = java.nio.file.Files.readString(stderrFile);
      java.nio.file.Files.deleteIfExists(stdoutFile);
      java.nio.file.Files.deleteIfExists(stderrFile);
      var granted = LEASE_GRANTED.matcher(stdout);
      if (granted.find()) {
        lease = granted.group(1);
      }
      var added = MEMBER_ADDED.matcher(stdout);
      if (added.find()) {
        member = added.group(1);
      }
      var listed = MEMBER_DEFAULT.matcher(stdout);
      if (listed.find()) {
        self = listed.group(1);
      }
      if (!step.stdin().isEmpty()) {
        for (String line : step.stdin().split("\n", -1)) {
          out.append("< ").append(line).append('\n');
        }
      }
      append(out, unordered(step.args(), stdout), "");
      append(out, stderr, "! ");
      out.append("[").append(exit).append("]\n\n");
    }
    if (background != null) {
      background.destroyForcibly();
    }
    return out.toString();
  }

  private static void append(StringBuilder out, String text, String prefix) {
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("{\"level\":")) {
        continue; // the Go client's log lines carry timestamps, paths and random ids
      }
      out.append(prefix).append(mask(line)).append('\n');
    }
  }

  /**
   * Members come out ordered by id, and ids differ between two clusters (etcd's even between two
   * runs), so the lines of {@code member list} and the entries of {@code member add}'s
   * ETCD_INITIAL_CLUSTER are sorted after masking.
   */
  static String unordered(List<String> args, String stdout) {
    if (args.size() < 2 || !args.get(0).equals("member")) {
      return stdout;
    }
    List<String> lines = new ArrayList<>(List.of(mask(stdout).split("\n")));
    if (args.size() == 2 && args.get(1).equals("list")) {
      lines.sort(null);
    }
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      int members = l.indexOf("\"members\":[{");
      if (members >= 0 && l.endsWith("}]}")) {
        int from = members + "\"members\":[{".length();
        List<String> objects =
            new ArrayList<>(List.of(l.substring(from, l.length() - 3).split("\\},\\{")));
        objects.sort(null);
        lines.set(i, l.substring(0, from) + String.join("},{", objects) + "}]}");
        continue;
      }
      String prefix = "ETCD_INITIAL_CLUSTER=\"";
      if (l.startsWith(prefix) && l.endsWith("\"")) {
        List<String> entries =
            new ArrayList<>(List.of(l.substring(prefix.length(), l.length() - 1).split(",")));
        entries.sort(null);
        lines.set(i, prefix + String.join(",", entries) + "\"");
      }
    }
    return String.join("\n", lines) + (stdout.endsWith("\n") ? "\n" : "");
  }

  static String mask(String line) {
    String s = line;
    for (int i = 0; i < MASKS.length; i++) {
      s = MASKS[i].matcher(s).replaceAll(REPLACEMENTS[i]);
    }
    var m = STATUS_LINE.matcher(s);
    if (m.matches()) {
      s =
          "<endpoint>, <id>, <version>, <size>, "
              + m.group(1)
              + ", "
              + m.group(2)
              + ", <term>, <index>, <applied>, "
              + m.group(3);
    }
    return s;
  }
}
