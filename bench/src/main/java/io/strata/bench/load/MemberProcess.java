package io.strata.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One cluster member running as a child process, with its resource use read from {@code /proc}:
 * peak RSS ({@code VmHWM}) and CPU time ({@code utime + stime}).
 */
final class MemberProcess implements AutoCloseable {
  /** Kernel clock ticks per second for {@code /proc/<pid>/stat}; 100 on Linux x86 and arm64. */
  private static final double CLOCK_TICKS = 100.0;

  private final String name;
  private final String clientEndpoint;
  private final Process process;

  private MemberProcess(String name, String clientEndpoint, Process process) {
    this.name = name;
    this.clientEndpoint = clientEndpoint;
    this.process = process;
  }

  /**
   * Starts {@code command} with its output (stdout and stderr) appended to {@code log}.
   *
   * @param env variables added to the inherited environment
   */
  static MemberProcess start(
      String name, String clientEndpoint, List<String> command, Map<String, String> env, Path log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return new MemberProcess(name, clientEndpoint, pb.start());
  }

  String name() {
    return name;
  }

  String clientEndpoint() {
    return clientEndpoint;
  }

  long pid() {
    return process.pid();
  }

  /**
   * The pid of the member's JVM: the started process when it is {@code java} ({@code bin/strata}
   * replaces itself with java), else the first {@code java} process below it.
   */
  long jvmPid() {
    ProcessHandle h = process.toHandle();
    if (isJava(h)) {
      return h.pid();
    }
    return h.descendants()
        .filter(MemberProcess::isJava)
        .findFirst()
        .map(ProcessHandle::pid)
        .orElseThrow(() -> new IllegalStateException("no JVM runs member " + name));
  }

  private static boolean isJava(ProcessHandle h) {
    return h.info().command().map(c -> c.equals("java") || c.endsWith("/java")).orElse(false);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Peak resident set size in KiB since start or the last {@link #resetPeakRss()}. */
  long peakRssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmHWM in /proc/" + pid() + "/status");
  }

  /**
   * Resets the peak RSS to the current RSS (writing 5 to {@code /proc/<pid>/clear_refs}), so each
   * workload reports its own peak.
   *
   * @return false where the kernel or permissions do not allow it
   */
  boolean resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** User plus system CPU seconds used so far. */
  double cpuSeconds() throws IOException {
    return cpuSecondsOf(Path.of("/proc", Long.toString(pid()), "stat"));
  }

  /** CPU seconds from a {@code /proc/<pid>/stat} file. */
  static double cpuSecondsOf(Path stat) throws IOException {
    return parseCpuSeconds(Files.readString(stat, StandardCharsets.US_ASCII));
  }

  static double parseCpuSeconds(String stat) {
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed:
    // state is field 3, utime field 14 and stime field 15.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
  }

  /** SIGTERM, then SIGKILL if the member has not exited within 15 s. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGKILL without waiting: for the JVM shutdown hook. */
  void kill() {
    process.destroyForcibly();
  }
}
