package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void parse_noFlags_etcdBenchmarkDefaults() {
    LoadOptions o = LoadOptions.parse(Workload.PUT, List.of());

    assertThat(o.endpoints()).containsExactly("127.0.0.1:2379");
    assertThat(o.conns()).isEqualTo(1);
    assertThat(o.clients()).isEqualTo(1);
    assertThat(o.total()).isEqualTo(10_000);
    assertThat(o.duration()).isNull();
    assertThat(o.keySize()).isEqualTo(8);
    assertThat(o.valSize()).isEqualTo(8);
    assertThat(o.keySpaceSize()).isEqualTo(1);
    assertThat(o.consistency()).isEqualTo(Consistency.LINEARIZABLE);
  }

  @Test
  void parse_allFlags_bothSpellings() {
    LoadOptions o =
        LoadOptions.parse(
            Workload.RANGE,
            List.of(
                "--endpoints=http://127.0.0.1:2379, 127.0.0.1:22379",
                "--conns",
                "4",
                "--clients",
                "16",
                "--duration",
                "1.5s",
                "--key-size=16",
                "--key-space-size",
                "100_000",
                "--consistency",
                "s",
                "--sequential-keys"));

    assertThat(o.endpoints()).containsExactly("127.0.0.1:2379", "127.0.0.1:22379");
    assertThat(o.conns()).isEqualTo(4);
    assertThat(o.clients()).isEqualTo(16);
    assertThat(o.total()).isZero();
    assertThat(o.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.keySize()).isEqualTo(16);
    assertThat(o.keySpaceSize()).isEqualTo(100_000);
    assertThat(o.sequentialKeys()).isTrue();
    assertThat(o.consistency()).isEqualTo(Consistency.SERIALIZABLE);
    assertThat(o.workloadName()).isEqualTo("range-s");
  }

  @Test
  void parse_unknownFlag_throws() {
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--client", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--client");
  }

  @Test
  void parse_outOfRange_namesTheFlag() {
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--clients", "0")))
        .hasMessageContaining("--clients");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--duration", "10")))
        .hasMessageContaining("unit");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.RANGE, List.of("--consistency", "x")))
        .hasMessageContaining("--consistency");
  }

  @Test
  void runSpec_parse_defaultsConnsToClientsUpTo16() {
    assertThat(RunSpec.parseList("put:1,put:256,range-s:16:4,range-l:8"))
        .containsExactly(
            new RunSpec(Workload.PUT, Consistency.LINEARIZABLE, 1, 1),
            new RunSpec(Workload.PUT, Consistency.LINEARIZABLE, 256, 16),
            new RunSpec(Workload.RANGE, Consistency.SERIALIZABLE, 16, 4),
            new RunSpec(Workload.RANGE, Consistency.LINEARIZABLE, 8, 8));
    assertThatThrownBy(() -> RunSpec.parse("txn:4")).hasMessageContaining("workload");
  }

  @Test
  void parse_workloadFlags_defaultsAsEtcdBenchmark() {
    LoadOptions.WorkloadParams p = LoadOptions.parse(Workload.TXN_MIXED, List.of()).params();

    assertThat(p.txnOps()).isEqualTo(1);
    assertThat(p.readsPerWrite()).isEqualTo(1.0);
    assertThat(p.watchers()).isEqualTo(100);
    assertThat(p.streams()).isEqualTo(10);
    assertThat(p.putRate()).isEqualTo(100);
    assertThat(p.leaseTtlSeconds()).isEqualTo(60);
    assertThat(LoadOptions.parse(Workload.WATCH_LATENCY, List.of()).total()).isEqualTo(1_000);
    assertThat(LoadOptions.parse(Workload.TXN_PUT, List.of()).total()).isEqualTo(10_000);
  }

  @Test
  void parse_workloadFlags_eachOnItsWorkload() {
    LoadOptions txn =
        LoadOptions.parse(Workload.TXN_PUT, List.of("--txn-ops", "16", "--key-space-size", "1000"));
    LoadOptions mixed =
        LoadOptions.parse(
            Workload.TXN_MIXED,
            List.of("--rw-ratio=0.5", "--txn-ops", "2", "--key-space-size", "2"));
    LoadOptions lease = LoadOptions.parse(Workload.LEASE_KEEPALIVE, List.of("--lease-ttl", "30"));
    LoadOptions watch =
        LoadOptions.parse(
            Workload.WATCH_LATENCY,
            List.of("--watchers", "1000", "--streams", "50", "--put-rate", "0", "--clients", "2"));
    LoadOptions k8s = LoadOptions.parse(Workload.K8S, List.of("--consistency", "s"));

    assertThat(txn.params().txnOps()).isEqualTo(16);
    assertThat(txn.workloadName()).isEqualTo("txn-put");
    assertThat(mixed.params().readsPerWrite()).isEqualTo(0.5);
    assertThat(mixed.params().txnOps()).isEqualTo(2);
    assertThat(lease.params().leaseTtlSeconds()).isEqualTo(30);
    assertThat(lease.workloadName()).isEqualTo("lease-keepalive");
    assertThat(watch.params().watchers()).isEqualTo(1000);
    assertThat(watch.params().streams()).isEqualTo(50);
    assertThat(watch.params().putRate()).isZero();
    assertThat(watch.clients()).isEqualTo(2);
    assertThat(k8s.consistency()).isEqualTo(Consistency.SERIALIZABLE);
    assertThat(k8s.workloadName()).isEqualTo("k8s");
  }

  @Test
  void parse_rate_everyWorkload_watchLatencyTakesItAsPutRate() {
    for (Workload w : Workload.values()) {
      LoadOptions o = LoadOptions.parse(w, List.of("--rate", "250"));
      assertThat(o.requestRate()).as("%s", w).isEqualTo(250);
    }
    assertThat(LoadOptions.parse(Workload.PUT, List.of()).requestRate()).isZero();
    assertThat(LoadOptions.parse(Workload.WATCH_LATENCY, List.of()).requestRate()).isEqualTo(100);
    assertThat(LoadOptions.parse(Workload.WATCH_LATENCY, List.of("--rate", "7")).params().putRate())
        .isEqualTo(7);
    assertThatThrownBy(
            () ->
                LoadOptions.parse(
                    Workload.WATCH_LATENCY, List.of("--rate", "7", "--put-rate", "8")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.RANGE, List.of("--rate", "-5")))
        .hasMessageContaining("--rate");
  }

  @Test
  void parse_fewWatchers_streamsDefaultToTheWatchers() {
    LoadOptions o = LoadOptions.parse(Workload.WATCH_LATENCY, List.of("--watchers", "3"));

    assertThat(o.params().streams()).isEqualTo(3);
  }

  @Test
  void parse_workloadFlagOfAnotherWorkload_throws() {
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--txn-ops", "2")))
        .hasMessageContaining("unknown flag --txn-ops");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.TXN_PUT, List.of("--watchers", "2")))
        .hasMessageContaining("unknown flag --watchers");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--consistency", "s")))
        .hasMessageContaining("unknown flag --consistency");
  }

  @Test
  void parse_badWorkloadFlags_throw() {
    // A Txn may not put a key twice, so it needs --txn-ops distinct keys.
    assertThatThrownBy(() -> LoadOptions.parse(Workload.TXN_PUT, List.of("--txn-ops", "2")))
        .hasMessageContaining("--txn-ops");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.TXN_MIXED, List.of("--rw-ratio", "-1")))
        .hasMessageContaining("--rw-ratio");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.TXN_MIXED, List.of("--rw-ratio", "x")))
        .hasMessageContaining("--rw-ratio");
    assertThatThrownBy(
            () ->
                LoadOptions.parse(
                    Workload.WATCH_LATENCY, List.of("--watchers", "4", "--streams", "5")))
        .hasMessageContaining("--streams");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.WATCH_LATENCY, List.of("--val-size", "4")))
        .hasMessageContaining("--val-size");
    assertThatThrownBy(
            () -> LoadOptions.parse(Workload.LEASE_KEEPALIVE, List.of("--lease-ttl", "0")))
        .hasMessageContaining("--lease-ttl");
  }

  @Test
  void workload_flagNamesRoundTrip() {
    for (Workload w : Workload.values()) {
      assertThat(Workload.byFlagName(w.flagName())).isEqualTo(w);
    }
    assertThat(Workload.TXN_PUT.flagName()).isEqualTo("txn-put");
    assertThat(Workload.byFlagName("txn_put")).isNull();
  }

  @Test
  void runSpec_parse_newWorkloads() {
    assertThat(
            RunSpec.parseList(
                "txn-put:16:16,txn-mixed:8,lease-keepalive:16:16,watch-latency:1000:16,k8s:4:2"))
        .containsExactly(
            new RunSpec(Workload.TXN_PUT, Consistency.LINEARIZABLE, 16, 16),
            new RunSpec(Workload.TXN_MIXED, Consistency.LINEARIZABLE, 8, 8),
            new RunSpec(Workload.LEASE_KEEPALIVE, Consistency.LINEARIZABLE, 16, 16),
            new RunSpec(Workload.WATCH_LATENCY, Consistency.LINEARIZABLE, 1000, 16),
            new RunSpec(Workload.K8S, Consistency.LINEARIZABLE, 4, 2));
    assertThat(RunSpec.parse("lease-keepalive:16:16")).hasToString("lease-keepalive:16:16");
    assertThat(RunSpec.parse("watch:4"))
        .isEqualTo(new RunSpec(Workload.WATCH, Consistency.LINEARIZABLE, 4, 4));
    assertThatThrownBy(() -> RunSpec.parse("watches:4")).hasMessageContaining("watch-latency");
  }

  @Test
  void parse_watch_etcdFlagsAndDefaults() {
    LoadOptions defaults = LoadOptions.parse(Workload.WATCH, List.of());
    LoadOptions o =
        LoadOptions.parse(
            Workload.WATCH,
            List.of(
                "--streams", "4",
                "--watch-per-stream", "3",
                "--watched-key-total", "5",
                "--put-total", "50",
                "--put-rate", "20"));

    // etcd's benchmark watch: 10 streams of 100 watchers, 1 key of 32 bytes, 1,000 puts, no limit.
    assertThat(defaults.params().streams()).isEqualTo(10);
    assertThat(defaults.params().watchers()).isEqualTo(1000);
    assertThat(defaults.params().watchedKeys()).isEqualTo(1);
    assertThat(defaults.keySize()).isEqualTo(32);
    assertThat(defaults.total()).isEqualTo(1000);
    assertThat(defaults.requestRate()).isZero();
    assertThat(o.params().watchers()).isEqualTo(12);
    assertThat(o.params().streams()).isEqualTo(4);
    assertThat(o.params().watchedKeys()).isEqualTo(5);
    assertThat(o.total()).isEqualTo(50);
    assertThat(o.requestRate()).isEqualTo(20);
    assertThat(LoadOptions.parse(Workload.WATCH, List.of("--total", "7", "--rate", "9")))
        .extracting(LoadOptions::total, LoadOptions::requestRate)
        .containsExactly(7L, 9);
  }

  @Test
  void parse_watch_badFlags_throw() {
    assertThatThrownBy(
            () -> LoadOptions.parse(Workload.WATCH, List.of("--total", "1", "--put-total", "2")))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () -> LoadOptions.parse(Workload.WATCH, List.of("--rate", "1", "--put-rate", "2")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.WATCH, List.of("--watchers", "2")))
        .hasMessageContaining("unknown flag --watchers");
    assertThatThrownBy(
            () -> LoadOptions.parse(Workload.WATCH_LATENCY, List.of("--watch-per-stream", "2")))
        .hasMessageContaining("unknown flag --watch-per-stream");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.WATCH, List.of("--val-size", "4")))
        .hasMessageContaining("--val-size");
    assertThatThrownBy(
            () ->
                LoadOptions.parse(
                    Workload.WATCH, List.of("--streams", "1000", "--watch-per-stream", "1001")))
        .hasMessageContaining("--watch-per-stream");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.WATCH, List.of("--watched-key-total", "0")))
        .hasMessageContaining("--watched-key-total");
  }

  @Test
  void runSpec_apply_watchClientsAreWatchersWithOnePutterAndTheSweepsRate() {
    LoadOptions shared =
        LoadOptions.parse(
            Workload.PUT, List.of("--duration", "1s", "--val-size", "256", "--rate", "300"));

    LoadOptions watch = RunSpec.parse("watch:1000:16").apply(shared);

    assertThat(watch.workload()).isEqualTo(Workload.WATCH);
    assertThat(watch.params().watchers()).isEqualTo(1000);
    assertThat(watch.params().streams()).isEqualTo(10);
    assertThat(watch.clients()).isEqualTo(1);
    assertThat(watch.conns()).isEqualTo(16);
    assertThat(watch.requestRate()).isEqualTo(300);
    assertThat(RunSpec.parse("watch:3").apply(shared).params().streams()).isEqualTo(3);
  }

  @Test
  void runSpec_apply_watchLatencyClientsAreWatchersWithOnePutter() {
    LoadOptions shared =
        LoadOptions.parse(
            Workload.PUT, List.of("--duration", "1s", "--val-size", "256", "--clients", "7"));

    LoadOptions watch = RunSpec.parse("watch-latency:1000:16").apply(shared);
    LoadOptions few = RunSpec.parse("watch-latency:4:2").apply(shared);
    LoadOptions txn = RunSpec.parse("txn-put:16:8").apply(shared);

    assertThat(watch.workload()).isEqualTo(Workload.WATCH_LATENCY);
    assertThat(watch.params().watchers()).isEqualTo(1000);
    assertThat(watch.params().streams()).isEqualTo(10);
    assertThat(watch.clients()).isEqualTo(1);
    assertThat(watch.conns()).isEqualTo(16);
    assertThat(few.params().streams()).isEqualTo(4);
    assertThat(txn.clients()).isEqualTo(16);
    assertThat(txn.conns()).isEqualTo(8);
  }

  @Test
  void compare_badRunCombination_failsBeforeAnyClusterStarts() {
    // watch-latency needs the put's sequence number in the value: eight bytes.
    assertThatThrownBy(
            () ->
                new ClusterCompare(
                    List.of("--runs", "watch-latency:10", "--val-size", "4"),
                    new java.io.PrintStream(new java.io.ByteArrayOutputStream())))
        .hasMessageContaining("--val-size");
  }

  @Test
  void main_newWorkloadCommand_badFlag_exitCode2() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    int code =
        LoadMain.run(
            List.of("watch-latency", "--watchers", "0"),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--watchers");
  }

  @Test
  void usage_namesEveryWorkload() {
    for (Workload w : Workload.values()) {
      assertThat(LoadMain.usage()).contains("\n  " + w.flagName() + " ");
    }
  }

  @Test
  void txnMixed_interleavesExactlyTheRatio() {
    StringBuilder twoReadsPerWrite = new StringBuilder();
    for (long n = 0; n < 9; n++) {
      twoReadsPerWrite.append(KvClients.isWrite(n, 1 / (1 + 2.0)) ? 'w' : 'r');
    }
    long writesAtQuarter =
        java.util.stream.LongStream.range(0, 1000)
            .filter(n -> KvClients.isWrite(n, 1 / (1 + 0.25)))
            .count();

    assertThat(twoReadsPerWrite).hasToString("rrwrrwrrw");
    assertThat(writesAtQuarter).isEqualTo(800); // 0.25 reads per write: 4 writes per read
    assertThat(KvClients.isWrite(0, 1 / (1 + 0.0))).isTrue(); // no reads at all
  }

  @Test
  void encodeKey_bigEndianInTheLastBytes() {
    assertThat(LoadGenerator.encodeKey(0x0102, 4).toByteArray()).containsExactly(0, 0, 1, 2);
    assertThat(LoadGenerator.encodeKey(0x0102, 1).toByteArray()).containsExactly(2);
    assertThat(LoadGenerator.encodeKey(7, 10).size()).isEqualTo(10);
  }

  @Test
  void main_badCommand_exitCode2() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    int code =
        LoadMain.run(
            List.of("frobnicate"),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("unknown command 'frobnicate'");
  }
}
