package io.strata.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.faults.check.Report;
import io.strata.server.faults.nemesis.Fault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Many seeded fault runs with faults drawn at random ({@code ./mvnw verify -Pfaults}). Each run is
 * one dynamic test; run {@code i} uses seed {@code strata.faults.seed + i} and the cluster size
 * {@code strata.faults.sizes[i % n]}, so a failing run is reproduced with its seed and {@code
 * -Dstrata.faults.runs=1}. Appends one line per run to target/fault-runs/summary.tsv.
 *
 * <p>Properties: {@code strata.faults.runs} (default 4), {@code strata.faults.seconds} (60), {@code
 * strata.faults.sizes} (3,5), {@code strata.faults.seed} (1).
 */
@Tag("faults")
class RandomizedFaultIT {
  @TestFactory
  Stream<DynamicTest> seededRuns() {
    int runs = Integer.getInteger("strata.faults.runs", 4);
    long seconds = Long.getLong("strata.faults.seconds", 60);
    long base = Long.getLong("strata.faults.seed", 1);
    List<Integer> sizes = new ArrayList<>();
    for (String s : System.getProperty("strata.faults.sizes", "3,5").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long seed = base + i;
      int size = sizes.get(i % sizes.size());
      String name = "seed-" + seed + "-n" + size;
      tests.add(DynamicTest.dynamicTest(name, () -> run(name, seed, size, seconds)));
    }
    return tests.stream();
  }

  private static void run(String name, long seed, int size, long seconds) throws Exception {
    Path dir = FaultRun.dir("RandomizedFaultIT/" + name);
    FaultRun.deleteQuietly(dir);
    Report report =
        FaultRun.run(
            new FaultRun.Config(
                "RandomizedFaultIT-" + name,
                size,
                seed,
                Duration.ofSeconds(seconds),
                List.of(Fault.values()),
                true),
            dir);
    summarize(name, seed, size, report);
    assertThat(report.violationCount()).as("seed %d, see %s:%n%s", seed, dir, report).isZero();
  }

  private static synchronized void summarize(String name, long seed, int size, Report report)
      throws IOException {
    Map<String, Long> faults = new TreeMap<>();
    report
        .stats()
        .forEach(
            (k, v) -> {
              if (k.startsWith("nemesis.")) {
                faults.put(k.substring("nemesis.".length()), v);
              }
            });
    String line =
        String.join(
                "\t",
                name,
                Long.toString(seed),
                Integer.toString(size),
                Integer.toString(report.violationCount()),
                Long.toString(report.stats().getOrDefault("ops", 0L)),
                Long.toString(report.stats().getOrDefault("ops.unknown", 0L)),
                faults.toString())
            + "\n";
    Path summary = FaultRun.dir("summary.tsv");
    Files.createDirectories(summary.getParent());
    Files.writeString(
        summary,
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
