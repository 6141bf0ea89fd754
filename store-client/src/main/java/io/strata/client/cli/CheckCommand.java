package io.strata.client.cli;

import io.strata.client.Client;
import io.strata.client.DeleteOptions;
import io.strata.client.GetOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code check}: etcdctl's health checks of a cluster. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "commands for checking properties of the etcd cluster",
    subcommands = {CheckCommand.Perf.class})
final class CheckCommand {
  private CheckCommand() {}

  /**
   * {@code check perf}: etcdctl's write check. For 60 s, as many clients as the load names put
   * random keys under a prefix at the load's rate, all together; the cluster passes if it kept up
   * (at least 90 % of the rate), no put took 500 ms or more, and the latencies' standard deviation
   * stayed under 100 ms. The keys are deleted afterwards.
   */
  @Command(
      name = "perf",
      mixinStandardHelpOptions = true,
      description = "Check the performance of the etcd cluster")
  static final class Perf extends Verb {
    /** etcdctl's loads: puts per second and concurrent clients. */
    private static final Map<String, int[]> LOADS =
        Map.of(
            "s", new int[] {150, 50},
            "m", new int[] {1000, 200},
            "l", new int[] {8000, 500},
            "xl", new int[] {15000, 1000});

    private static final int SECONDS = 60;
    private static final double MAX_SLOWEST_SECONDS = 0.5;
    private static final double MAX_STDDEV_SECONDS = 0.1;

    @Option(
        names = "--load",
        defaultValue = "s",
        description = "The performance check's workload model: s, m, l or xl")
    String load = "s";

    @Option(
        names = "--prefix",
        defaultValue = "/etcdctl-check-perf/",
        description = "The prefix for writing the performance check's keys")
    String prefix = "/etcdctl-check-perf/";

    @Option(
        names = "--auto-compact",
        description = "Compact the storage to the latest revision after the check")
    boolean autoCompact;

    @Option(names = "--auto-defrag", description = "Defragment the storage after the check")
    boolean autoDefrag;

    // Each put's outcome is recorded by its whenComplete callback (a latency or a failure): the
    // future that whenComplete returns is not needed.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public Integer call() throws Exception {
      int[] model = LOADS.get(load);
      if (model == null) {
        throw new CtlException(
            CtlException.EXIT_BAD_ARGS, "unknown load option " + load + " (s, m, l or xl)");
      }
      int rate = model[0];
      int clients = model[1];
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        var existing =
            await(
                client
                    .kv()
                    .get(bytes(prefix), GetOptions.builder().prefix(true).countOnly(true).build()));
        if (existing.getCount() > 0) {
          throw new CtlException(
              CtlException.EXIT_ERROR,
              "prefix "
                  + prefix
                  + " has keys. Delete with 'etcdctl del --prefix "
                  + prefix
                  + "'"
                  + " first");
        }
        byte[] value = new byte[256];
        ThreadLocalRandom.current().nextBytes(value);
        var payload = com.google.protobuf.ByteString.copyFrom(value);
        Semaphore inFlight = new Semaphore(clients);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(SECONDS);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long next = start;
        int lastSecond = -1;
        while (next < end) {
          long now = System.nanoTime();
          if (now < next) {
            TimeUnit.NANOSECONDS.sleep(Math.min(next - now, TimeUnit.MILLISECONDS.toNanos(5)));
            continue;
          }
          int second = (int) ((now - start) / 1_000_000_000L);
          if (second != lastSecond) {
            lastSecond = second;
            ctl.err.printf("\r %d / %d seconds", second, SECONDS);
            ctl.err.flush();
          }
          inFlight.acquire();
          long sent = System.nanoTime();
          byte[] key = new byte[8];
          ThreadLocalRandom.current().nextBytes(key);
          client
              .kv()
              .put(bytes(prefix).concat(com.google.protobuf.ByteString.copyFrom(key)), payload)
              .whenComplete(
                  (r, e) -> {
                    if (e == null) {
                      latencies.add(System.nanoTime() - sent);
                    } else {
                      failed.incrementAndGet();
                    }
                    inFlight.release();
                  });
          next += interval;
        }
        inFlight.acquire(clients); // the last puts
        ctl.err.printf("\r %d / %d seconds%n", SECONDS, SECONDS);

        long n = latencies.size();
        double mean = latencies.stream().mapToLong(Long::longValue).average().orElse(0) / 1e9;
        double variance =
            latencies.stream().mapToDouble(l -> Math.pow(l / 1e9 - mean, 2)).sum() / Math.max(1, n);
        double stddev = Math.sqrt(variance);
        double slowest = latencies.stream().mapToLong(Long::longValue).max().orElse(0) / 1e9;
        long throughput = n / SECONDS;
        boolean ok = true;
        if (throughput >= rate * 9L / 10) {
          ctl.out.printf("PASS: Throughput is %d writes/s%n", throughput);
        } else {
          ctl.out.printf("FAIL: Throughput too low: %d writes/s%n", throughput);
          ok = false;
        }
        if (slowest < MAX_SLOWEST_SECONDS) {
          ctl.out.printf("PASS: Slowest request took %fs%n", slowest);
        } else {
          ctl.out.printf("Slowest request took too long: %fs%n", slowest);
          ok = false;
        }
        if (stddev < MAX_STDDEV_SECONDS) {
          ctl.out.printf("PASS: Stddev is %fs%n", stddev);
        } else {
          ctl.out.printf("FAIL: Stddev too high: %fs%n", stddev);
          ok = false;
        }
        if (failed.get() > 0) {
          ctl.out.printf("FAIL: %d puts failed%n", failed.get());
          ok = false;
        }
        ctl.out.println(ok ? "PASS" : "FAIL");

        var deleted =
            await(client.kv().delete(bytes(prefix), DeleteOptions.builder().prefix(true).build()));
        if (autoCompact) {
          await(client.kv().compact(deleted.getHeader().getRevision(), false));
        }
        if (autoDefrag) {
          for (String e : ctl.endpoints) {
            await(client.maintenance().defragment(e));
          }
        }
        return ok ? 0 : CtlException.EXIT_ERROR;
      }
    }
  }
}
