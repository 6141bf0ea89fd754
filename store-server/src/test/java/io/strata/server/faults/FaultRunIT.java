package io.strata.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.faults.check.Report;
import io.strata.server.faults.nemesis.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short fault run of every build: three members, every nemesis kind at least once (in a seeded
 * order), every workload and every checker; fails on any violation. The history, the fault timeline
 * and the report are kept in target/fault-runs/FaultRunIT, member logs in
 * target/cluster-logs/FaultRun/FaultRunIT.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FaultRunIT {
  @Test
  void everyFaultKind_threeMembers_noViolation() throws Exception {
    long seed = Long.getLong("strata.faults.seed", 7L);
    Path dir = FaultRun.dir("FaultRunIT");
    FaultRun.deleteQuietly(dir);
    Report report =
        FaultRun.run(
            new FaultRun.Config(
                "FaultRunIT", 3, seed, Duration.ofSeconds(45), List.of(Fault.values()), false),
            dir);
    assertThat(report.violationCount()).as("seed %d, see %s:%n%s", seed, dir, report).isZero();
    for (Fault f : Fault.values()) {
      assertThat(report.stats())
          .as("%s was injected", f)
          .containsKey("nemesis." + f.name().toLowerCase(java.util.Locale.ROOT));
    }
    assertThat(report.stats().get("linearizability.ops")).isGreaterThan(100L);
  }
}
