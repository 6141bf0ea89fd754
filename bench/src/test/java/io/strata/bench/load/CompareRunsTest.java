package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareRunsTest {
  private static String runs(String... argv) {
    return ClusterCompare.runsFlag(
        Args.parse(List.of(argv), ClusterCompare.VALUED, ClusterCompare.BOOLEANS));
  }

  @Test
  void workloadAndClients_areASweepOfRuns() {
    assertThat(runs("--workload", "put", "--clients", "1,16,256"))
        .isEqualTo("put:1,put:16,put:256");
    assertThat(runs("--workload", "range-s", "--clients", "16", "--conns", "4"))
        .isEqualTo("range-s:16:4");
    assertThat(RunSpec.parseList(runs("--workload", "put", "--clients", "1,16,256")))
        .extracting(RunSpec::clients)
        .containsExactly(1, 16, 256);
  }

  @Test
  void runsStaysTheDefault_andCannotBeMixedWithASweep() {
    assertThat(runs()).isEqualTo("put:1:1,put:16:16,put:256:16");
    assertThatThrownBy(() -> runs("--runs", "put:1:1", "--clients", "4"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ClusterCompare compare(String... argv) {
    return new ClusterCompare(List.of(argv), new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void newFlags_parse() {
    compare("--workload", "put", "--clients", "1,16", "--repeats", "3", "--rate", "500");
    compare("--runs", "put:1", "--profile", "--out", "report.md");
    assertThatThrownBy(() -> compare("--repeats", "0")).hasMessageContaining("--repeats");
    assertThatThrownBy(() -> compare("--rate", "-1")).hasMessageContaining("--rate");
  }

  @Test
  void clusterWarmUp_raisesClientsTo16_leavesWatchersAndBigRunsAlone() {
    compare("--runs", "put:1:1", "--cluster-warmup", "60s");
    assertThatThrownBy(() -> compare("--cluster-warmup", "soon"))
        .hasMessageContaining("cluster-warmup");
    assertThat(RunSpec.parse("put:1:1").forWarmUp()).isEqualTo(RunSpec.parse("put:16:16"));
    assertThat(RunSpec.parse("range-s:4:2").forWarmUp()).isEqualTo(RunSpec.parse("range-s:16:16"));
    assertThat(RunSpec.parse("put:256:16").forWarmUp()).isEqualTo(RunSpec.parse("put:256:16"));
    assertThat(RunSpec.parse("watch:100:4").forWarmUp()).isEqualTo(RunSpec.parse("watch:100:4"));
  }

  @Test
  void checkHashKv_andWatchRuns_parse() {
    compare(
        "--runs", "watch:1000:16,watch-latency:100", "--check-hashkv", "--watched-key-total", "10");
    LoadOptions shared =
        LoadOptions.parse(Workload.PUT, List.of("--duration", "1s", "--check-hashkv"));

    assertThat(RunSpec.parse("watch:100").apply(shared).checkHashKv()).isTrue();
    assertThat(
            RunSpec.parse("put:1").apply(LoadOptions.parse(Workload.PUT, List.of())).checkHashKv())
        .isFalse();
    assertThatThrownBy(() -> compare("--runs", "watch:10", "--watch-per-stream", "5"))
        .hasMessageContaining("unknown flag --watch-per-stream");
  }

  @Test
  void profile_needsOutAndTheLoaderJar() {
    assertThatThrownBy(() -> compare("--profile"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--out");
    assertThatThrownBy(
            () -> compare("--profile", "--out", "r.md", "--profiler-jar", "no/such/ap-loader.jar"))
        .hasMessageContaining("no/such/ap-loader.jar");
  }

  @Test
  void rate_appliesToEveryRun_watchLatencyKeepsItsPutRate() {
    LoadOptions shared =
        LoadOptions.parse(
            Workload.PUT, List.of("--duration", "1s", "--val-size", "8", "--rate", "500"));

    assertThat(RunSpec.parse("put:16").apply(shared).requestRate()).isEqualTo(500);
    assertThat(RunSpec.parse("k8s:4").apply(shared).requestRate()).isEqualTo(500);
    assertThat(RunSpec.parse("watch-latency:10").apply(shared).requestRate()).isEqualTo(100);
  }

  @Test
  void systemOrder_reversedEverySecondRepeat() {
    List<LocalCluster.Kind> both = List.of(LocalCluster.Kind.STRATA, LocalCluster.Kind.ETCD);

    assertThat(ClusterCompare.systemOrder(both, 1)).isEqualTo(both);
    assertThat(ClusterCompare.systemOrder(both, 2))
        .containsExactly(LocalCluster.Kind.ETCD, LocalCluster.Kind.STRATA);
    assertThat(ClusterCompare.systemOrder(both, 3)).isEqualTo(both);
    assertThat(ClusterCompare.systemOrder(List.of(LocalCluster.Kind.ETCD), 2))
        .containsExactly(LocalCluster.Kind.ETCD);
  }

  @Test
  void besideReport_namedAfterTheReportInItsDirectory() {
    assertThat(ClusterCompare.besideReport(Path.of("out", "report.md"), "-put.svg"))
        .isEqualTo(Path.of("out", "report-put.svg"));
    assertThat(ClusterCompare.besideReport(Path.of("sweep"), "-profile-put-1-1.html"))
        .isEqualTo(Path.of("sweep-profile-put-1-1.html"));
  }
}
