package io.strata.server;

import io.strata.server.config.ConfigException;
import io.strata.server.config.Flags;
import io.strata.server.config.ServerConfig;
import io.strata.server.grpc.MaintenanceService;
import java.util.concurrent.CountDownLatch;

/** The {@code strata} command: parses etcd's flags, runs one member until SIGTERM or SIGINT. */
public final class StoreServerMain {
  private StoreServerMain() {}

  /** The JDK's setting for the size of the common fork-join pool. */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) throws Exception {
    widenCommonPool();
    Flags.Parsed parsed;
    try {
      parsed = Flags.parse(args);
    } catch (ConfigException e) {
      System.err.println("strata: " + e.getMessage());
      System.exit(2);
      return;
    }
    switch (parsed.action()) {
      case HELP -> {
        System.out.print(Flags.usage());
        return;
      }
      case VERSION -> {
        System.out.println("strata version 0.1.0 (etcd API " + MaintenanceService.VERSION + ")");
        return;
      }
      case RUN -> {}
    }
    ServerConfig config = parsed.config();
    if (config == null) {
      throw new IllegalStateException("no config for run");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.ratis") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
      // The internal Ratis client logs every retried request as an error while a leader is being
      // elected; RaftNode reports what matters to the caller instead.
      System.setProperty(
          "org.slf4j.simpleLogger.log.org.apache.ratis.client.impl.OrderedAsync", "off");
    }
    StoreServer server;
    try {
      server =
          StoreServer.start(
              config,
              () -> {
                System.err.println("strata: fatal storage error; stopping the member");
                Runtime.getRuntime().halt(1);
              });
    } catch (Exception e) {
      System.err.println("strata: cannot start member '" + config.name() + "': " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "strata-shutdown"));
    stopped.await();
  }

  /**
   * Gives the common fork-join pool at least four threads, before anything loads {@code
   * CompletableFuture}. The JDK sizes it at one thread less than the processors, and when that is
   * one, {@code CompletableFuture}'s async methods without an executor start a new thread for every
   * task. Ratis's follower hands every appendEntries to the log that way ({@code
   * ServerImplUtils.NavigableIndices.append}): on a 2-core machine each follower started a thread
   * per append, a tenth of its CPU under a put load (profiled).
   */
  static void widenCommonPool() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(
          COMMON_POOL_PARALLELISM,
          String.valueOf(Math.max(4, Runtime.getRuntime().availableProcessors())));
    }
  }
}
