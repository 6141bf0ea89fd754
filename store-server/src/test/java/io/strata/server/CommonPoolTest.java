package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A member's {@code CompletableFuture} async tasks run on a pool, not on a new thread each, even on
 * 2 cores. Checked in a fresh JVM limited to 2 processors, since the choice is made once, when
 * {@code CompletableFuture} loads.
 */
class CommonPoolTest {

  /** Prints which executor {@code CompletableFuture} uses by default, after the member's setup. */
  public static final class Probe {
    public static void main(String[] args) {
      if (args.length > 0 && args[0].equals("widen")) {
        StoreServerMain.widenCommonPool();
      }
      System.out.println(new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool);
    }
  }

  private static String probe(String... args) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java.toString(),
                "-XX:ActiveProcessorCount=2",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void onTwoCores_asyncTasksShareThePool() throws Exception {
    assertThat(probe("widen")).isEqualTo("true");
  }

  @Test
  void onTwoCores_theJdkAloneStartsAThreadPerTask() throws Exception {
    // Why the member widens the pool: without it, the default executor is not a pool.
    assertThat(probe()).isEqualTo("false");
  }

  @Test
  void anExplicitSetting_isKept() {
    String before = System.getProperty(StoreServerMain.COMMON_POOL_PARALLELISM);
    try {
      System.setProperty(StoreServerMain.COMMON_POOL_PARALLELISM, "3");
      StoreServerMain.widenCommonPool();
      assertThat(System.getProperty(StoreServerMain.COMMON_POOL_PARALLELISM)).isEqualTo("3");
    } finally {
      if (before == null) {
        System.clearProperty(StoreServerMain.COMMON_POOL_PARALLELISM);
      } else {
        System.setProperty(StoreServerMain.COMMON_POOL_PARALLELISM, before);
      }
    }
  }
}
