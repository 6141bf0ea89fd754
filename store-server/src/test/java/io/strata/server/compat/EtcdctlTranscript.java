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
  /** One etcdctl invocation, with optional standard input (for txn). */
  record Step(List<String> args, String stdin) {
    static Step of(String... args) {
      return new Step(List.of(args), "");
    }

    static Step withInput(String stdin, String... args) {
      return new Step(List.of(args), stdin);
    }
  }

  private static final Pattern[] MASKS = {
    Pattern.compile("\"(cluster_id|member_id|raft_term)\":\\d+"),
    Pattern.compile("took = \\S+"),
    Pattern.compile("127\\.0\\.0\\.1:\\d+"),
  };
  private static final String[] REPLACEMENTS = {"\"$1\":<masked>", "took = <t>", "<endpoint>"};

  /** `endpoint status` simple output: endpoint, id, version, db size, leader, learner, term... */
  private static final Pattern STATUS_LINE =
      Pattern.compile(
          "^<endpoint>, [0-9a-f]+, [0-9.]+, [0-9.]+ [kMG]?B, (true|false), (true|false), \\d+, \\d+, \\d+, (.*)$");

  private EtcdctlTranscript() {}

  static String run(String endpoint, List<Step> steps) throws IOException, InterruptedException {
    StringBuilder out = new StringBuilder();
    for (Step step : steps) {
      List<String> cmd = new ArrayList<>();
      cmd.add("etcdctl");
      cmd.add("--endpoints=" + endpoint);
      cmd.add("--command-timeout=10s");
      cmd.addAll(step.args());
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("ETCDCTL_API", "3");
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(step.stdin().getBytes(StandardCharsets.UTF_8));
      }
      byte[] stdout = p.getInputStream().readAllBytes();
      byte[] stderr = p.getErrorStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("etcdctl hung: " + cmd);
      }
      out.append("$ etcdctl ").append(String.join(" ", step.args())).append('\n');
      if (!step.stdin().isEmpty()) {
        for (String line : step.stdin().split("\n", -1)) {
          out.append("< ").append(line).append('\n');
        }
      }
      append(out, new String(stdout, StandardCharsets.UTF_8), "");
      append(out, new String(stderr, StandardCharsets.UTF_8), "! ");
      out.append("[exit ").append(p.exitValue()).append("]\n\n");
    }
    return out.toString();
  }

  private static void append(StringBuilder out, String text, String prefix) {
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("{\"level\":\"warn\"")) {
        continue; // the Go client's retry log lines carry timestamps and random ids
      }
      out.append(prefix).append(mask(line)).append('\n');
    }
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
